import { errorMessage } from '../errors/index'
import { readError, readUsage } from '../stream/chat-fields'
import type { ChatUpdate } from '../stream/index'
import { createChatDecoder } from '../stream/index'
import { textToBytes } from './text'

function badResponse(status?: number): ChatUpdate {
  const update: ChatUpdate = { type: 'error', code: 'bad_response', message: errorMessage('bad_response') }
  if (status !== undefined) update.status = status
  return update
}

/** Reads a `chat.completion` object (non-streaming answer) into a delta and a done. */
function fromCompletion(body: Record<string, unknown>, status?: number): ChatUpdate[] {
  const error = readError(body)
  if (error) return [status !== undefined && error.status === undefined ? { ...error, status } : error]
  const choices = body.choices
  const choice = Array.isArray(choices)
    ? (choices[0] as Record<string, unknown> | null | undefined)
    : undefined
  if (!choice || typeof choice !== 'object') return [badResponse(status)]
  const message = (choice.message ?? choice.delta) as Record<string, unknown> | null | undefined
  const updates: ChatUpdate[] = []
  if (message && typeof message === 'object') {
    const content = typeof message.content === 'string' ? message.content : ''
    const raw = message.reasoning_content ?? message.reasoning
    const reasoning = typeof raw === 'string' ? raw : ''
    if (content || reasoning) {
      const delta: ChatUpdate = { type: 'delta' }
      if (content) delta.content = content
      if (reasoning) delta.reasoning = reasoning
      updates.push(delta)
    }
  }
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null
  const usage = readUsage(body.usage) ?? readUsage(choice.usage)
  updates.push(usage ? { type: 'done', finishReason, usage } : { type: 'done', finishReason })
  return updates
}

/**
 * A successful (2xx) response body read whole → updates. It is usually a
 * `chat.completion` JSON (non-streaming request, or a gateway that ignored
 * `stream: true`), but an event stream delivered in one piece (platforms that
 * give no chunks, a missing content type) goes through the real decoder.
 * Anything else is `bad_response`. Always ends with exactly one done or error.
 */
export function parseCompletionBody(text: string, status?: number): ChatUpdate[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  if (trimmed.startsWith('{')) {
    let body: unknown
    try {
      body = JSON.parse(trimmed)
    } catch {
      return [badResponse(status)]
    }
    if (typeof body !== 'object' || body === null) return [badResponse(status)]
    return fromCompletion(body as Record<string, unknown>, status)
  }
  if (/^(data|event|id|retry)?:/m.test(trimmed)) {
    const updates: ChatUpdate[] = []
    const decoder = createChatDecoder((update) => updates.push(update))
    decoder.push(textToBytes(text))
    decoder.end()
    return updates
  }
  return [badResponse(status)]
}
