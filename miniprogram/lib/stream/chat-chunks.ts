import { readError, readErrorObject, readUsage } from './chat-fields'
import { createSseDecoder } from './sse'
import type { ChatUpdate, ChatUsage, ChunkSink, SseEvent } from './types'

/** Shown when a stream stops without `[DONE]` or a `finish_reason`: the answer is incomplete. */
export const INTERRUPTED_MESSAGE = '连接中断，回答不完整'

/**
 * Bytes of an OpenAI-style chat-completions stream → `ChatUpdate`s.
 *
 * Tolerates the providers' variations: `reasoning_content` (DeepSeek, Qwen) or
 * `reasoning`, `usage` at the top level or inside `choices[0]` (Moonshot),
 * `choices` empty or null (Azure filter results, usage-only chunks, vLLM),
 * errors as `data: {"error":…}` or `event: error`, and keep-alive comments.
 * `done` waits for `[DONE]` (or the end of the stream) because the usage chunk
 * arrives after the one carrying `finish_reason`.
 */
export function createChatDecoder(onUpdate: (update: ChatUpdate) => void): ChunkSink {
  let finished = false
  let finishReason: string | null = null
  let sawFinishReason = false
  let usage: ChatUsage | undefined

  function finish(update: ChatUpdate): void {
    if (finished) return
    finished = true
    onUpdate(update)
  }

  function done(): void {
    finish(usage ? { type: 'done', finishReason, usage } : { type: 'done', finishReason })
  }

  function onEvent(event: SseEvent): void {
    if (finished) return
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
      if (event.type === 'error') finish({ type: 'error', message: data || '服务出错' })
      return
    }
    if (typeof chunk !== 'object' || chunk === null) return
    const body = chunk as Record<string, unknown>
    const error = readError(body)
    if (error || event.type === 'error') {
      finish(error ?? readErrorObject(body))
      return
    }

    usage = readUsage(body.usage) ?? usage
    const choices = body.choices
    if (!Array.isArray(choices) || choices.length === 0) return
    const choice = choices[0] as Record<string, unknown> | null
    if (typeof choice !== 'object' || choice === null) return
    usage = readUsage(choice.usage) ?? usage

    const delta = choice.delta as Record<string, unknown> | null | undefined
    if (delta && typeof delta === 'object') {
      const content = delta.content
      const reasoning = delta.reasoning_content ?? delta.reasoning
      const hasContent = typeof content === 'string' && content !== ''
      const hasReasoning = typeof reasoning === 'string' && reasoning !== ''
      if (hasContent && hasReasoning) onUpdate({ type: 'delta', content, reasoning })
      else if (hasContent) onUpdate({ type: 'delta', content })
      else if (hasReasoning) onUpdate({ type: 'delta', reasoning })
    }
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
      finishReason = choice.finish_reason
      sawFinishReason = true
    }
  }

  const sse = createSseDecoder(onEvent)
  return {
    push(chunk) {
      if (!finished) sse.push(chunk)
    },
    end() {
      sse.end()
      if (sawFinishReason) done()
      else finish({ type: 'error', message: INTERRUPTED_MESSAGE, code: 'interrupted' })
    },
  }
}
