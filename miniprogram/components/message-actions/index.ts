/**
 * The row of actions under a message. Under an answer: 复制 whenever it has text; on the last
 * answer also 继续 (a cut answer), 重新生成 (a finished one) or 重试 (a failed one); under every
 * answer with text 👍 / 👎 (`rate`) and 举报 (`report`). Under the last question: 编辑. Each tap
 * becomes an event for the page.
 */
Component({
  properties: {
    /** 'user' or 'assistant': which set of actions. */
    role: { type: String, value: 'assistant' },
    /** The message's status (lib/chat MessageStatus): done answers are regenerated, others retried. */
    status: { type: String, value: 'done' },
    /** The answer has text to copy. */
    canCopy: { type: Boolean, value: false },
    /** The answer was cut and 继续 can carry it on. */
    canContinue: { type: Boolean, value: false },
    /** The message is the last of its kind (only then continue/regenerate/edit make sense). */
    last: { type: Boolean, value: false },
    /** A finished answer with text: 👍 / 👎 / 举报 are offered. */
    ratable: { type: Boolean, value: false },
    /** The user's rating so far: 'up', 'down' or ''. */
    feedback: { type: String, value: '' },
    /** Already reported: 举报 shows as done. */
    reported: { type: Boolean, value: false },
  },
  methods: {
    onCopy() {
      this.triggerEvent('copy', {})
    },
    onContinue() {
      this.triggerEvent('continue', {})
    },
    onRegenerate() {
      this.triggerEvent('regenerate', {})
    },
    onEdit() {
      this.triggerEvent('edit', {})
    },
    onUp() {
      this.triggerEvent('rate', { rating: 'up' })
    },
    onDown() {
      this.triggerEvent('rate', { rating: 'down' })
    },
    onReport() {
      if (!this.data.reported) this.triggerEvent('report', {})
    },
  },
})
