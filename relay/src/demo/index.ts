import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createOutputWatcher } from '../chat/output-watcher'
import type { SseWriter } from '../chat/sse-writer'
import type { ChatRequestBody, RelayContext, RelayHooks, UsageInfo } from '../hooks'
import { chooseAnswer } from './answers'
import { createChunkFactory } from './chunks'
import { countTokens, tokenize } from './tokens'

/** The model name the built-in demo answers to. */
export { DEMO_MODEL } from './model-id'

import { DEMO_MODEL } from './model-id'

function lastUserText(body: ChatRequestBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const message = body.messages[i]
    if (message?.role !== 'user') continue
    const content = message.content
    if (typeof content === 'string') return content
    if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? '').join('')
  }
  return ''
}

function promptTokens(body: ChatRequestBody): number {
  return body.messages.reduce((sum, m) => sum + countTokens(JSON.stringify(m.content)) + 4, 0)
}

interface DemoPlan {
  reasoning: string[]
  content: string[]
  finishReason: 'stop' | 'length'
  usage: UsageInfo
}

function plan(body: ChatRequestBody): DemoPlan {
  const answer = chooseAnswer(lastUserText(body))
  const reasoning = tokenize(answer.reasoning)
  let content = tokenize(answer.content)
  const limit = (body.max_completion_tokens ?? body.max_tokens) as number | undefined
  const room = limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, limit - reasoning.length)
  const finishReason = content.length > room ? 'length' : 'stop'
  if (finishReason === 'length') content = content.slice(0, room)
  const prompt = promptTokens(body)
  const completion = reasoning.length + content.length
  return {
    reasoning,
    content,
    finishReason,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  }
}

function completionId(): string {
  return `chatcmpl-demo-${randomBytes(6).toString('hex')}`
}

/**
 * Streams a canned answer token by token at `delayMs` per token, as OpenAI
 * chunks: reasoning first, then content, `finish_reason`, usage and `[DONE]`.
 * Stops at once when `ctx.signal` aborts (the client left).
 */
export async function streamDemo(
  ctx: RelayContext,
  writer: SseWriter,
  delayMs: number,
  hooks: RelayHooks | undefined,
): Promise<void> {
  const p = plan(ctx.body)
  const chunks = createChunkFactory(completionId(), DEMO_MODEL, Math.floor(Date.now() / 1000))
  let failed = false
  const watcher = createOutputWatcher(ctx, hooks, (error) => {
    failed = true
    writer.fail(error)
  })
  const pace = async (): Promise<void> => {
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: ctx.signal })
    else await new Promise((resolve) => setImmediate(resolve))
  }
  try {
    writer.write(chunks.role())
    for (const token of p.reasoning) {
      await pace()
      if (failed) return
      writer.write(chunks.reasoning(token))
      watcher.text(token)
    }
    for (const token of p.content) {
      await pace()
      if (failed) return
      writer.write(chunks.content(token))
      watcher.text(token)
    }
    writer.write(chunks.finish(p.finishReason))
    watcher.usage(p.usage)
    // The last text check must pass before the stream is declared complete.
    await watcher.drain()
    await hooks?.onOutputEnd?.(ctx)
    writer.write(chunks.usage(p.usage))
    writer.write(chunks.done())
    writer.end()
  } catch (error) {
    if (ctx.signal.aborted || failed) return
    writer.fail(error)
  }
}

/** The same answer as one `chat.completion` object (for `stream: false`). */
export async function completeDemo(ctx: RelayContext, hooks: RelayHooks | undefined): Promise<unknown> {
  const p = plan(ctx.body)
  const content = p.content.join('')
  await hooks?.onOutputText?.(ctx, content)
  await hooks?.onOutputEnd?.(ctx)
  await hooks?.onUsage?.(ctx, p.usage)
  return {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: DEMO_MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, reasoning_content: p.reasoning.join('') },
        finish_reason: p.finishReason,
      },
    ],
    usage: p.usage,
  }
}
