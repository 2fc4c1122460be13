/**
 * The input bar: a growing textarea, send (or stop while an answer streams), 📷 (`attach`) with
 * removable thumbnails, hold-to-talk 🎤 (voice-button) and the "editing" banner. It owns the
 * draft; the page hears `send` with the text and clears it by setting `value`.
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
    /** Photos attached to the next question (their file paths), shown as removable thumbnails. */
    images: { type: Array, value: [] as string[] },
    /** The model takes photos: offer 📷. */
    canAttach: { type: Boolean, value: false },
  },
  data: {
    draft: '',
    canSend: false,
  },
  lifetimes: {
    attached() {
      ;(this as unknown as { _applied?: number })._applied = this.data.version
      if (this.data.value) this.setData({ draft: this.data.value, canSend: this.data.value.trim() !== '' })
    },
  },
  observers: {
    'value, version'(value: string, version: number) {
      // Only a new version replaces the draft: a parent re-render that merely passes the same
      // properties again must not wipe what the user is typing.
      const self = this as unknown as { _applied?: number }
      if (self._applied === version) return
      self._applied = version
      this.setData({ draft: value, canSend: value.trim() !== '' || this.data.images.length > 0 })
    },
    images(images: string[]) {
      this.setData({ canSend: this.data.draft.trim() !== '' || images.length > 0 })
    },
  },
  methods: {
    onInput(event: WechatMiniprogram.Input) {
      const draft = event.detail.value
      this.setData({ draft, canSend: draft.trim() !== '' || this.data.images.length > 0 })
    },
    onAttach() {
      this.triggerEvent('attach', {})
    },
    onRemoveImage(event: WechatMiniprogram.TouchEvent) {
      this.triggerEvent('removeimage', {
        index: Number((event.currentTarget.dataset as { index?: number }).index),
      })
    },
    onTranscript(event: WechatMiniprogram.CustomEvent<{ text: string }>) {
      // Dictation lands in the box for editing, after what is typed already; it is never sent by itself.
      const draft = this.data.draft ? `${this.data.draft}${event.detail.text}` : event.detail.text
      this.setData({ draft, canSend: true })
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
