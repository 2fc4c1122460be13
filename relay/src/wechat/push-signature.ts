import { createHash, timingSafeEqual } from 'node:crypto'

/** Pushes older (or newer) than this are refused: a captured push cannot be replayed later. */
export const PUSH_MAX_SKEW_S = 300

/**
 * WeChat's message-push signature: SHA-1 of the token, timestamp and nonce sorted as strings and
 * joined (plus the `Encrypt` field for the safe mode's `msg_signature`), as hex.
 */
export function pushSignature(token: string, timestamp: string, nonce: string, encrypted?: string): string {
  const parts = [token, timestamp, nonce, ...(encrypted === undefined ? [] : [encrypted])].sort()
  return createHash('sha1').update(parts.join('')).digest('hex')
}

/**
 * Whether a push's query (`signature`, `timestamp`, `nonce`) was signed with `token` within
 * PUSH_MAX_SKEW_S of `nowMs`. Compared in constant time.
 */
export function verifyPush(query: URLSearchParams, token: string, nowMs: number): boolean {
  const timestamp = query.get('timestamp') ?? ''
  const nonce = query.get('nonce') ?? ''
  const given = Buffer.from(query.get('signature') ?? '', 'utf8')
  if (token === '' || !/^\d{1,12}$/.test(timestamp) || nonce === '') return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > PUSH_MAX_SKEW_S) return false
  const expected = Buffer.from(pushSignature(token, timestamp, nonce), 'utf8')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** Whether a safe-mode push's `msg_signature` covers its `Encrypt` field (the query was verified already). */
export function verifyEncrypted(query: URLSearchParams, token: string, encrypted: string): boolean {
  const given = Buffer.from(query.get('msg_signature') ?? '', 'utf8')
  const expected = Buffer.from(
    pushSignature(token, query.get('timestamp') ?? '', query.get('nonce') ?? '', encrypted),
    'utf8',
  )
  return given.length === expected.length && timingSafeEqual(given, expected)
}
