import type { ChatUpdate } from '../stream/types'

type ErrorUpdate = Extract<ChatUpdate, { type: 'error' }>

/** What an OpenAI-style error object says; every field optional, nothing invented. */
export interface ErrorFields {
  message?: string
  code?: string
  status?: number
}

/**
 * The fields of an error object itself (`{"message","type","code","status"}`), which is also what
 * an `event: error` frame may carry without the `error` wrapper. `code` falls back to `type`, but
 * `type: "error"` is the frame's kind in some APIs, not a reason.
 */
export function readErrorFields(raw: Record<string, unknown>): ErrorFields {
  const fields: ErrorFields = {}
  if (typeof raw.message === 'string' && raw.message.trim() !== '') fields.message = raw.message.trim()
  const code = raw.code ?? raw.type
  if (typeof code === 'string' && code !== '' && code !== 'error') fields.code = code
  else if (typeof code === 'number') fields.code = String(code)
  if (typeof raw.status === 'number') fields.status = raw.status
  return fields
}

/**
 * The error a body carries, if any: `{"error":{…}}` (OpenAI and the relay), `{"error":"text"}`,
 * `{"error": 1234}` (some providers). `status` beside `error` counts too.
 */
export function readBodyError(body: Record<string, unknown>): ErrorFields | undefined {
  const error = body.error
  if (error === undefined || error === null || error === false) return undefined
  if (typeof error === 'string') return error.trim() ? { message: error.trim() } : {}
  if (typeof error !== 'object') return {}
  const fields = readErrorFields(error as Record<string, unknown>)
  if (fields.status === undefined && typeof body.status === 'number') fields.status = body.status
  return fields
}

/** An error body's text (JSON, or not) → its fields; `{"message"}` alone counts. Never throws. */
export function readErrorText(text: string): ErrorFields {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return {}
  }
  if (typeof body !== 'object' || body === null) return {}
  const raw = body as Record<string, unknown>
  return readBodyError(raw) ?? readErrorFields(raw)
}

/** Error fields → the update the decoder emits (its message may still be English: see lib/errors). */
export function toErrorUpdate(fields: ErrorFields): ErrorUpdate {
  const update: ErrorUpdate = { type: 'error', message: fields.message ?? '服务出错' }
  if (fields.code !== undefined) update.code = fields.code
  if (fields.status !== undefined) update.status = fields.status
  return update
}
