import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAnswerOutput } from '../chat/answer-output'
import { checkWhole } from '../chat/check-text'
import { createOutputWatcher } from '../chat/output-watcher'
import type { AnswerSink } from '../chat/sse-writer'
import type { ChatRequestBody, OutputCheck, RelayContext, RelayHooks, UsageInfo } from '../hooks'
import { chooseAnswer } from './answers'
import { createChunkFactory } from './chunks'
import { imageAnswer, receivedImages } from './images'
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
  // An inlined image counts as one token here: tokenising megabytes of base64 would be wasted work.
  const text = (m: ChatRequestBody['messages'][number]) =>
    JSON.stringify(m.content, (_key, value) =>
      typeof value === 'string' && value.startsWith('data:') ? 'image' : value,
    )
  return body.messages.reduce((sum, m) => sum + countTokens(text(m)) + 4, 0)
}

interface DemoPlan {
  reasoning: string[]
  content: string[]
  finishReason: 'stop' | 'length'
  usage: UsageInfo
}

function plan(body: ChatRequestBody): DemoPlan {
  const images = receivedImages(body)
  const question = lastUserText(body)
  const answer = images.length > 0 ? imageAnswer(images, question) : chooseAnswer(question)
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
 * chunks: reasoning first, then content, `finish_reason`, usage and `[DONE]`,
 * through the same output stage as an upstream's answer (held for `check`).
 * Stops at once when `ctx.signal` aborts (the client left).
 */
export async function streamDemo(
  ctx: RelayContext,
  writer: AnswerSink,
  delayMs: number,
  hooks: RelayHooks | undefined,
  check: OutputCheck | null,
): Promise<void> {
  const p = plan(ctx.body)
  const chunks = createChunkFactory(completionId(), DEMO_MODEL, Math.floor(Date.now() / 1000))
  let failed = false
  const stop = (error: unknown): void => {
    if (failed) return
    failed = true
    output.close()
    writer.fail(error)
  }
  const watcher = createOutputWatcher(ctx, hooks, stop)
  // The demo holds no secrets of the relay's: nothing to redact.
  const output = createAnswerOutput(writer, check, [], stop)
  const send = (frame: string, text = ''): void => {
    output.push(Buffer.from(frame), text)
  }
  const pace = async (): Promise<void> => {
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: ctx.signal })
    else await new Promise((resolve) => setImmediate(resolve))
  }
  try {
    send(chunks.role())
    for (const [frame, tokens] of [
      [chunks.reasoning, p.reasoning],
      [chunks.content, p.content],
    ] as const) {
      for (const token of tokens) {
        await pace()
        if (failed) return
        send(frame(token), token)
        watcher.text(token)
      }
    }
    send(chunks.finish(p.finishReason))
    watcher.usage(p.usage)
    // The last text check must pass before the stream is declared complete.
    await watcher.drain()
    await hooks?.onOutputEnd?.(ctx)
    send(chunks.usage(p.usage))
    send(chunks.done())
    await output.settled()
    writer.end()
  } catch (error) {
    if (ctx.signal.aborted || failed) return
    stop(error)
  }
}

/** The same answer as one `chat.completion` object (for `stream: false`). */
export async function completeDemo(
  ctx: RelayContext,
  hooks: RelayHooks | undefined,
  check: OutputCheck | null,
): Promise<unknown> {
  const p = plan(ctx.body)
  const content = p.content.join('')
  const reasoning = p.reasoning.join('')
  await checkWhole(check, reasoning + content)
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
        message: { role: 'assistant', content, reasoning_content: reasoning },
        finish_reason: p.finishReason,
      },
    ],
    usage: p.usage,
  }
}
