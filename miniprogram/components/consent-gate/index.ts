/**
 * Before the first message, and again whenever the agreement or the privacy policy has a new
 * version: the user ticks that they read both and agrees. Declining leaves the chat unusable and
 * says so. The texts open on their own page (`open` with `doc`).
 */
Component({
  properties: {
    /** The service's name, as the relay gives it. */
    service: { type: String, value: '' },
    /** The texts have versions to agree to (false until the relay has been reached). */
    ready: { type: Boolean, value: false },
    /** An earlier version was agreed to: say that the texts changed. */
    updated: { type: Boolean, value: false },
  },
  data: {
    checked: false,
    declined: false,
  },
  methods: {
    onToggle() {
      this.setData({ checked: !this.data.checked })
    },
    onOpenAgreement() {
      this.triggerEvent('open', { doc: 'agreement' })
    },
    onOpenPrivacy() {
      this.triggerEvent('open', { doc: 'privacy' })
    },
    onAgree() {
      if (!this.data.checked || !this.data.ready) return
      this.triggerEvent('agree', {})
    },
    onDecline() {
      this.setData({ declined: true })
      this.triggerEvent('decline', {})
    },
  },
})
