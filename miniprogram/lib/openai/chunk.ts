import type { ChatUsage } from '../stream/types'
import { type ErrorFields, readBodyError } from './error'

/** What one `chat.completion.chunk` (or a whole `chat.completion`) says. */
export interface ChunkFields {
  /** Set when the body is an error instead of an answer. */
  error?: ErrorFields
  /** The first choice's text and reasoning, '' when it has none. */
  content: string
  reasoning: string
  /** A non-empty `finish_reason`. */
  finishReason?: string
  usage?: ChatUsage
  /** False when the body has no usable first choice (usage-only and filter chunks, broken bodies). */
  hasChoice: boolean
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/** Reads an OpenAI `usage` object; anything without token counts is no usage. */
export function readUsage(value: unknown): ChatUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const raw = value as Record<string, unknown>
  if (
    raw.prompt_tokens === undefined &&
    raw.completion_tokens === undefined &&
    raw.total_tokens === undefined
  ) {
    return undefined
  }
  const promptTokens = toCount(raw.prompt_tokens)
  const completionTokens = toCount(raw.completion_tokens)
  const total = toCount(raw.total_tokens)
  return { promptTokens, completionTokens, totalTokens: total || promptTokens + completionTokens }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * The one reader of OpenAI answer shapes, streamed or whole. Tolerates the providers' variations:
 * `reasoning_content` (DeepSeek, Qwen) or `reasoning`; `usage` at the top level or inside
 * `choices[0]` (Moonshot); `choices` empty or null (Azure filter results, usage-only chunks,
 * vLLM); `delta` (chunks) or `message` (whole answers).
 */
export function readChunk(body: Record<string, unknown>): ChunkFields {
  const error = readBodyError(body)
  if (error) return { error, content: '', reasoning: '', hasChoice: false }
  const fields: ChunkFields = { content: '', reasoning: '', hasChoice: false }
  const topUsage = readUsage(body.usage)
  if (topUsage) fields.usage = topUsage
  const choices = body.choices
  const choice = Array.isArray(choices) ? (choices[0] as unknown) : undefined
  if (typeof choice !== 'object' || choice === null) return fields
  const raw = choice as Record<string, unknown>
  fields.hasChoice = true
  const choiceUsage = readUsage(raw.usage)
  if (choiceUsage) fields.usage = choiceUsage
  const delta = raw.delta ?? raw.message
  if (typeof delta === 'object' && delta !== null) {
    const d = delta as Record<string, unknown>
    fields.content = text(d.content)
    fields.reasoning = text(d.reasoning_content ?? d.reasoning)
  }
  if (typeof raw.finish_reason === 'string' && raw.finish_reason !== '')
    fields.finishReason = raw.finish_reason
  return fields
}
