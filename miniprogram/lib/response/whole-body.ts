import { errorMessage } from '../errors/index'
import { readChunk, toErrorUpdate } from '../openai/index'
import { textToBytes } from '../stream/bytes'
import type { ChatUpdate } from '../stream/index'
import { createChatDecoder } from '../stream/index'

function badResponse(status?: number): ChatUpdate {
  const update: ChatUpdate = { type: 'error', code: 'bad_response', message: errorMessage('bad_response') }
  if (status !== undefined) update.status = status
  return update
}

/** Reads a `chat.completion` object (non-streaming answer) into a delta and a done. */
function fromCompletion(body: Record<string, unknown>, status?: number): ChatUpdate[] {
  const fields = readChunk(body)
  if (fields.error) {
    const error = toErrorUpdate(fields.error)
    return [status !== undefined && error.status === undefined ? { ...error, status } : error]
  }
  if (!fields.hasChoice) return [badResponse(status)]
  const updates: ChatUpdate[] = []
  if (fields.content || fields.reasoning) {
    const delta: ChatUpdate = { type: 'delta' }
    if (fields.content) delta.content = fields.content
    if (fields.reasoning) delta.reasoning = fields.reasoning
    updates.push(delta)
  }
  const finishReason = fields.finishReason ?? null
  updates.push(
    fields.usage ? { type: 'done', finishReason, usage: fields.usage } : { type: 'done', finishReason },
  )
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
