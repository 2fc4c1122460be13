/**
 * The model's reasoning ("思考中…" → "已深度思考（用时 N 秒）"), collapsible.
 * The page owns the open state (it collapses the panel when the answer starts);
 * a tap on the header asks it to toggle through the `toggle` event.
 */
Component({
  properties: {
    /** Header text, from lib/chat reasoningLabel. */
    label: { type: String, value: '' },
    /** Reasoning text split into paragraphs. */
    paragraphs: { type: Array, value: [] as string[] },
    /** Whether the body is shown. */
    open: { type: Boolean, value: false },
    /** Still thinking: the label pulses. */
    running: { type: Boolean, value: false },
  },
  methods: {
    onToggle() {
      this.triggerEvent('toggle', {})
    },
  },
})
