import { createHmac, randomBytes } from 'node:crypto'
import { RelayError } from '../errors'

/** Why an answer is reported (the app's 举报 categories). */
export const REPORT_REASONS = ['illegal', 'porn', 'violence', 'false', 'rights', 'other'] as const

/** One piece of feedback as stored: never a raw token or openid, the answer's text only for reports. */
export interface FeedbackRecord {
  id: string
  /** ISO time it arrived. */
  at: string
  kind: 'up' | 'down' | 'report'
  /** The caller, as a salted hash (the same caller hashes alike while the salt stays). */
  caller: string
  generationId?: string
  requestId?: string
  model?: string
  reason?: (typeof REPORT_REASONS)[number]
  note?: string
  content?: string
}

const FIELDS = new Set(['kind', 'generationId', 'requestId', 'model', 'reason', 'note', 'content'])
const LIMITS = { generationId: 64, requestId: 128, model: 100, note: 500, content: 20_000 } as const

function invalid(message: string): RelayError {
  return new RelayError(400, 'invalid_feedback', message)
}

function optionalText(body: Record<string, unknown>, field: keyof typeof LIMITS): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${field} must be a string`)
  if (value.length > LIMITS[field]) throw invalid(`${field} must be at most ${LIMITS[field]} characters`)
  return value
}

/** The caller's id (`openid:…`, `token:…`, `ip:…`) → a salted hash that reveals none of it. */
export function hashCaller(userId: string, salt: string): string {
  return createHmac('sha256', salt).update(userId).digest('hex').slice(0, 24)
}

/**
 * `POST /v1/feedback`'s body → the record to keep. Every field is checked (type, length, the
 * reason list); an unknown field is refused rather than ignored, so a client bug shows.
 */
export function feedbackRecord(body: unknown, caller: string, now: Date): FeedbackRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('body must be a JSON object')
  const raw = body as Record<string, unknown>
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) throw invalid(`unknown field "${key}"`)
  const kind = raw.kind
  if (kind !== 'up' && kind !== 'down' && kind !== 'report')
    throw invalid('kind must be "up", "down" or "report"')
  const record: FeedbackRecord = {
    id: randomBytes(9).toString('base64url'),
    at: now.toISOString(),
    kind,
    caller,
  }
  const generationId = optionalText(raw, 'generationId')
  if (generationId !== undefined && !/^[A-Za-z0-9_-]{8,64}$/.test(generationId)) {
    throw invalid('generationId must match ^[A-Za-z0-9_-]{8,64}$')
  }
  if (generationId) record.generationId = generationId
  const requestId = optionalText(raw, 'requestId')
  if (requestId) record.requestId = requestId
  const model = optionalText(raw, 'model')
  if (model) record.model = model
  const note = optionalText(raw, 'note')
  if (note) record.note = note
  const content = optionalText(raw, 'content')
  if (raw.reason !== undefined && !REPORT_REASONS.includes(raw.reason as never)) {
    throw invalid(`reason must be one of ${REPORT_REASONS.join(', ')}`)
  }
  if (kind === 'report') {
    if (raw.reason === undefined) throw invalid('a report needs a reason')
    record.reason = raw.reason as FeedbackRecord['reason']
    // The reported text is evidence; a thumbs up or down keeps no answer text.
    if (content) record.content = content
  }
  return record
}
