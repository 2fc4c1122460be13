Component({
  properties: {
    /** Text shown in the badge. */
    label: { type: String, value: '' },
  },
})
