import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { RelayConfig } from './config'
import { RelayError } from './errors'
import type { RelayUser } from './hooks'

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** The address the request came from (the socket peer; proxies are not trusted here). */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown'
}

/** The bearer token of a request, if any. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  return match?.[1]?.trim() ?? null
}

/**
 * Who is calling: the hook's answer first, then a static RELAY_TOKENS match,
 * else (open relay) the client IP. Tokens are compared as hashes in constant
 * time, and only a hash prefix ever becomes the user id (ids get logged).
 */
export async function authenticate(req: IncomingMessage, config: RelayConfig): Promise<RelayUser> {
  const fromHook = await config.hooks?.authenticate?.(req)
  if (fromHook) return fromHook
  if (config.tokens.length === 0) return { userId: `ip:${clientIp(req)}` }
  const token = bearerToken(req)
  if (!token) throw new RelayError(401, 'missing_token', 'Missing bearer token in Authorization header')
  const given = digest(token)
  const ok = config.tokens.some((allowed) => timingSafeEqual(digest(allowed), given))
  if (!ok) throw new RelayError(401, 'invalid_token', 'Invalid bearer token')
  return { userId: `token:${given.toString('hex').slice(0, 12)}` }
}
