import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { RelayError } from '../errors'
import type { RelayHooks, RelayUser } from '../hooks'
import { requestInfo } from './request-info'

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Per token list: the allowed tokens' hashes, and the ids of tokens already accepted. */
interface TokenCache {
  allowed: Buffer[]
  /** Only tokens that matched get in, so its size is bounded by the allow-list. */
  accepted: Map<string, string>
}

const caches = new WeakMap<readonly string[], TokenCache>()

function tokenCache(tokens: readonly string[]): TokenCache {
  let cache = caches.get(tokens)
  // Rebuilt if the list was changed in place (the hashes would be stale).
  if (!cache || cache.allowed.length !== tokens.length) {
    cache = { allowed: tokens.map(digest), accepted: new Map() }
    caches.set(tokens, cache)
  }
  return cache
}

/** The client's address: the socket peer, or the forwarded address when the peer is a trusted proxy. */
export function clientIp(req: IncomingMessage): string {
  return requestInfo(req).address
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  return match?.[1]?.trim() ?? null
}

/**
 * Who is calling: the hook's answer first, then a match in `tokens` (RELAY_TOKENS),
 * else (open relay) the client IP. Tokens are compared as hashes in constant
 * time, and only a hash prefix ever becomes the user id (ids get logged).
 */
export async function authenticate(
  req: IncomingMessage,
  tokens: readonly string[],
  hooks: RelayHooks | undefined,
): Promise<RelayUser> {
  const fromHook = await hooks?.authenticate?.(req)
  if (fromHook) return fromHook
  if (tokens.length === 0) return { userId: `ip:${clientIp(req)}` }
  const token = bearerToken(req)
  if (!token) throw new RelayError(401, 'missing_token', 'Missing bearer token in Authorization header')
  // A token that matched before is known good: no hashing per request. A miss reveals nothing
  // the 401 would not; unknown tokens are still compared as hashes in constant time.
  const cache = tokenCache(tokens)
  const known = cache.accepted.get(token)
  if (known !== undefined) return { userId: known }
  const given = digest(token)
  let ok = false
  for (const allowed of cache.allowed) if (timingSafeEqual(allowed, given)) ok = true
  if (!ok) throw new RelayError(401, 'invalid_token', 'Invalid bearer token')
  const userId = `token:${given.toString('hex').slice(0, 12)}`
  cache.accepted.set(token, userId)
  return { userId }
}
