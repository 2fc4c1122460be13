import type { UsageInfo } from '../hooks'

/** Builds the OpenAI `chat.completion.chunk` frames the demo model streams. */
export function createChunkFactory(id: string, model: string, created: number) {
  const frame = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...extra, choices })}\n\n`
  return {
    role: () => frame([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    reasoning: (text: string) =>
      frame([{ index: 0, delta: { reasoning_content: text }, finish_reason: null }]),
    content: (text: string) => frame([{ index: 0, delta: { content: text }, finish_reason: null }]),
    finish: (reason: string) => frame([{ index: 0, delta: {}, finish_reason: reason }]),
    usage: (usage: UsageInfo) => frame([], { usage }),
    done: () => 'data: [DONE]\n\n',
  }
}
