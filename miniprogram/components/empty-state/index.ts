/** Suggested first questions; shown on an empty conversation. */
export const SUGGESTED_PROMPTS = [
  '用三句话解释什么是量子计算',
  '写一个 JavaScript 防抖函数并说明用法',
  '帮我列一份周末短途旅行清单',
  '比较 Python 和 Go 的优缺点，用表格展示',
]

/** Empty state of the chat page: a greeting and tappable prompts (`pick` event with `{ text }`). */
Component({
  properties: {
    /** Prompts to offer. */
    prompts: { type: Array, value: SUGGESTED_PROMPTS },
  },
  methods: {
    onPick(event: WechatMiniprogram.TouchEvent) {
      const text = (event.currentTarget.dataset as { text?: string }).text ?? ''
      this.triggerEvent('pick', { text })
    },
  },
})
