import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { RelayError } from '../errors'

/** The contract's id shape: long enough to be unguessable when random, short enough for a key. */
const GENERATION_ID = /^[A-Za-z0-9_-]{8,64}$/

/** `id` when it has the contract's shape, else a 400 `invalid_generation_id`. */
export function checkGenerationId(id: string): string {
  if (!GENERATION_ID.test(id)) {
    throw new RelayError(400, 'invalid_generation_id', 'X-Generation-Id must match ^[A-Za-z0-9_-]{8,64}$')
  }
  return id
}

/** The request's `X-Generation-Id` (checked), or null: a plain request that ends with its socket. */
export function generationIdOf(req: IncomingMessage): string | null {
  const raw = req.headers['x-generation-id']
  if (raw === undefined) return null
  return checkGenerationId(Array.isArray(raw) ? (raw[0] ?? '') : raw.trim())
}

/** `Last-Event-ID` as a number of events already seen (absent or empty = 0). */
export function lastEventIdOf(req: IncomingMessage): number {
  const raw = req.headers['last-event-id']
  const text = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? ''
  if (text === '') return 0
  if (!/^\d{1,15}$/.test(text)) {
    throw new RelayError(400, 'invalid_parameter', 'Last-Event-ID must be an event id the relay sent')
  }
  return Number(text)
}

/**
 * Who owns a generation, as stored: a hash of the caller's id, so a store shared through Redis never
 * holds a token's prefix or an openid, and every instance computes the same key without a shared salt.
 */
export function ownerOf(userId: string): string {
  return createHash('sha256').update(userId).digest('base64url').slice(0, 32)
}

/** The owner every caller of an open relay (no tokens, no login) shares. */
const OPEN_OWNER = 'open'

/**
 * Who may read a generation. An open relay knows its callers only by address, and a phone that
 * switches from Wi-Fi to 4G — the very case resuming is for — comes back from another one; so
 * there the generation id (random, ≥ 8 characters, chosen by the client) is the only key, which
 * is no weaker than the relay itself: anyone may use an open relay. Caps still count per address.
 */
export function readerOf(userId: string): string {
  return userId.startsWith('ip:') ? OPEN_OWNER : ownerOf(userId)
}

/** The answer for an id that is unknown, expired, or another caller's: the three look the same. */
export function notFound(): RelayError {
  return new RelayError(404, 'generation_not_found', 'No such generation (unknown, expired or not yours)')
}

/** The answer when the store (Redis) cannot be reached: retry shortly, nothing is lost yet. */
export function unavailable(): RelayError {
  return new RelayError(503, 'generation_unavailable', 'The answer store is unreachable, retry shortly')
}

/** `call`'s result, or a 503 `generation_unavailable` when the store failed (not a 500: it is not the relay's fault). */
export async function fromStore<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch {
    throw unavailable()
  }
}
