import { readChunk, readErrorFields, toErrorUpdate } from '../openai/index'
import { createSseDecoder } from './sse'
import type { ChatUpdate, ChatUsage, ChunkSink, SseEvent } from './types'
import { createUpdateGate } from './update-gate'

/** Shown when a stream stops without `[DONE]` or a `finish_reason`: the answer is incomplete. */
export const INTERRUPTED_MESSAGE = '连接中断，回答不完整'

/**
 * Bytes of an OpenAI-style chat-completions stream → `ChatUpdate`s.
 *
 * Chunk shapes (and the providers' variations) are read by lib/openai; errors
 * come as `data: {"error":…}` or `event: error`; keep-alive comments are skipped.
 * `done` waits for `[DONE]` (or the end of the stream) because the usage chunk
 * arrives after the one carrying `finish_reason`.
 */
export function createChatDecoder(onUpdate: (update: ChatUpdate) => void): ChunkSink {
  const gate = createUpdateGate(onUpdate)
  const finish = gate.emit
  let finishReason: string | null = null
  let sawFinishReason = false
  let usage: ChatUsage | undefined
  /** The `id:` of the event being read ('' when the stream does not number its events). */
  let eventId = ''

  /** Tags an update with the event it came from, for resuming after it. */
  function tagged<T extends ChatUpdate>(update: T): T {
    if (eventId !== '') update.eventId = eventId
    return update
  }

  function done(): void {
    finish(tagged(usage ? { type: 'done', finishReason, usage } : { type: 'done', finishReason }))
  }

  function onEvent(event: SseEvent): void {
    if (gate.closed) return
    eventId = event.lastEventId
    const data = event.data
    if (data === '[DONE]') {
      done()
      return
    }
    let chunk: unknown
    try {
      chunk = JSON.parse(data)
    } catch {
      // A stray non-JSON line (some gateways send `data: ping`) is not the answer.
      if (event.type === 'error') finish(tagged({ type: 'error', message: data || '服务出错' }))
      return
    }
    if (typeof chunk !== 'object' || chunk === null) return
    const body = chunk as Record<string, unknown>
    const fields = readChunk(body)
    if (fields.error || event.type === 'error') {
      finish(tagged(toErrorUpdate(fields.error ?? readErrorFields(body))))
      return
    }
    usage = fields.usage ?? usage
    const { content, reasoning } = fields
    if (content && reasoning) gate.emit(tagged({ type: 'delta', content, reasoning }))
    else if (content) gate.emit(tagged({ type: 'delta', content }))
    else if (reasoning) gate.emit(tagged({ type: 'delta', reasoning }))
    if (fields.finishReason) {
      finishReason = fields.finishReason
      sawFinishReason = true
    }
  }

  const sse = createSseDecoder(onEvent)
  return {
    push(chunk) {
      if (!gate.closed) sse.push(chunk)
    },
    end() {
      sse.end()
      // Not tagged: an end without [DONE] is not an event of the stream.
      eventId = ''
      if (sawFinishReason) done()
      else finish({ type: 'error', message: INTERRUPTED_MESSAGE, code: 'interrupted' })
    },
  }
}
