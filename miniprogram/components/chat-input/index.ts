/**
 * The input bar: a growing textarea, send (or stop while an answer streams), and the "editing"
 * banner. It owns the draft; the page hears `send` with the text and clears it by setting `value`.
 */
Component({
  properties: {
    /** Text to put in the box (the page sets it to edit a message, or '' after sending). */
    value: { type: String, value: '' },
    /** Bumped by the page with every `value` it sets, so setting the same text again still applies. */
    version: { type: Number, value: 0 },
    /** An answer is streaming: the stop button replaces send. */
    streaming: { type: Boolean, value: false },
    /** The box holds an earlier question being edited: show the banner with 取消. */
    editing: { type: Boolean, value: false },
  },
  data: {
    draft: '',
    canSend: false,
  },
  observers: {
    'value, version'(value: string) {
      this.setData({ draft: value, canSend: value.trim() !== '' })
    },
  },
  methods: {
    onInput(event: WechatMiniprogram.Input) {
      const draft = event.detail.value
      this.setData({ draft, canSend: draft.trim() !== '' })
    },
    onSend() {
      if (!this.data.canSend || this.data.streaming) return
      this.triggerEvent('send', { text: this.data.draft })
    },
    onStop() {
      this.triggerEvent('stop', {})
    },
    onCancelEdit() {
      this.triggerEvent('canceledit', {})
    },
  },
})
