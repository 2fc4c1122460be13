/**
 * One message's frame: the user's bubble, or an answer with its waiting indicator and error line.
 * The answer's markdown blocks, its reasoning panel and its actions come in through slots from the
 * page's own template, so while an answer streams the page updates only the tail block by path
 * and this component's properties — a few short strings — do not change per token.
 */
Component({
  options: { multipleSlots: true },
  methods: {
    onImageTap(event: WechatMiniprogram.TouchEvent) {
      this.triggerEvent('previewimage', { src: (event.currentTarget.dataset as { src?: string }).src })
    },
  },
  properties: {
    /** 'user' or 'assistant'. */
    role: { type: String, value: 'assistant' },
    /** lib/chat MessageStatus: styles the error line (an interruption is quieter than a failure). */
    status: { type: String, value: 'done' },
    /** The user's text (user messages). */
    text: { type: String, value: '' },
    /** The question's photos (file paths); a tap asks the page to show them full screen. */
    images: { type: Array, value: [] as string[] },
    /** Streaming with nothing to show yet: the typing indicator. */
    waiting: { type: Boolean, value: false },
    /** The error or notice under the answer; '' for none. */
    error: { type: String, value: '' },
    /** The connection dropped and the answer is being picked up again: a quiet note, nothing more. */
    reconnecting: { type: Boolean, value: false },
    /** The explicit AI label under every answer (never under the user's own messages). */
    label: { type: String, value: '' },
  },
})
