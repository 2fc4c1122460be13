import type { IncomingMessage } from 'node:http'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { RelayUser } from '../hooks'
import { authenticate } from '../http/auth'

/**
 * Who is calling and whether they may, before any body is read: authentication (hook, then
 * RELAY_TOKENS), then the per-minute rate limit (429 with Retry-After).
 */
export async function admit(req: IncomingMessage, deps: RelayDeps): Promise<RelayUser> {
  const user = await authenticate(req, deps.config.tokens, deps.hooks)
  if (!deps.limiter) return user
  const decision = await deps.limiter.hit(user.userId)
  if (!decision.allowed) {
    throw new RelayError(429, 'rate_limited', 'Too many requests, slow down', {
      'Retry-After': String(decision.retryAfterS),
    })
  }
  return user
}
