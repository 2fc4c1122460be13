import type { Message } from './types'

/** Seconds of reasoning, rounded, at least 1; undefined while reasoning is still running or absent. */
export function reasoningSeconds(message: Message): number | undefined {
  if (message.reasoningMs === undefined) return undefined
  return Math.max(1, Math.round(message.reasoningMs / 1000))
}

/**
 * Label of the reasoning panel: "思考中…" while it runs, then
 * "已深度思考（用时 N 秒）"; empty when the message has no reasoning.
 */
export function reasoningLabel(message: Message): string {
  if (!message.reasoning) return ''
  const seconds = reasoningSeconds(message)
  if (seconds === undefined) return message.status === 'streaming' ? '思考中…' : '已深度思考'
  return `已深度思考（用时 ${seconds} 秒）`
}
