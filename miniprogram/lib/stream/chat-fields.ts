import type { ChatUpdate, ChatUsage } from './types'

type ErrorUpdate = Extract<ChatUpdate, { type: 'error' }>

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

/**
 * Reads an error chunk: `{"error":{"message","type","code"}}` (OpenAI and the
 * relay), `{"error":"text"}`, or a numeric code some providers send.
 */
export function readError(body: Record<string, unknown>): ErrorUpdate | undefined {
  const error = body.error
  if (error === undefined || error === null || error === false) return undefined
  if (typeof error === 'string') return { type: 'error', message: error || '服务出错' }
  if (typeof error !== 'object') return { type: 'error', message: '服务出错' }
  const update = readErrorObject(error as Record<string, unknown>)
  if (update.status === undefined && typeof body.status === 'number') update.status = body.status
  return update
}

/**
 * Reads the fields of an error object itself (`{"message","type","code","status"}`),
 * which is also what an `event: error` frame may carry without the `error` wrapper.
 */
export function readErrorObject(raw: Record<string, unknown>): ErrorUpdate {
  const update: ErrorUpdate = {
    type: 'error',
    message: typeof raw.message === 'string' && raw.message !== '' ? raw.message : '服务出错',
  }
  const code = raw.code ?? raw.type
  // `type: "error"` is the frame's kind in some APIs, not a reason worth showing.
  if (typeof code === 'string' && code !== '' && code !== 'error') update.code = code
  else if (typeof code === 'number') update.code = String(code)
  if (typeof raw.status === 'number') update.status = raw.status
  return update
}
