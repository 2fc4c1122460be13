import { createHmac, timingSafeEqual } from 'node:crypto'
import { RelayError } from '../errors'

/** Every session token starts with this, so the relay can tell it from a static RELAY_TOKENS entry. */
export const SESSION_PREFIX = 'wxs1.'

/** What a session token carries. No server-side store: the signature is the proof. */
export interface SessionClaims {
  /** The WeChat openid the token was issued to. */
  sub: string
  /** Expiry, seconds since the epoch. */
  exp: number
  /** Issue time, seconds since the epoch. */
  iat: number
  /** Format version, bumped to invalidate every older token at once. */
  v: number
}

/** Signs and verifies session tokens with one secret. */
export interface SessionSigner {
  /** A fresh token for this openid, with its expiry in epoch milliseconds. */
  issue(openid: string): { token: string; expiresAt: number }
  /** The claims of a valid token; throws a 401 RelayError for anything forged, expired or malformed. */
  verify(token: string): SessionClaims
}

const VERSION = 1

function sign(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest()
}

function unauthorized(message: string, code = 'invalid_token'): RelayError {
  return new RelayError(401, code, message)
}

/** Session tokens `wxs1.<base64url payload>.<base64url HMAC-SHA256>`; `now` is injectable for tests. */
export function createSessionSigner(
  secret: string,
  ttlSeconds: number,
  now: () => number = Date.now,
): SessionSigner {
  // A short secret makes the HMAC brute-forceable offline from any one token.
  if (secret.length < 16) throw new Error('RELAY_SESSION_SECRET must be at least 16 characters')
  return {
    issue(openid) {
      const iat = Math.floor(now() / 1000)
      const claims: SessionClaims = { sub: openid, exp: iat + ttlSeconds, iat, v: VERSION }
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
      const signed = `${SESSION_PREFIX}${payload}`
      return {
        token: `${signed}.${sign(secret, signed).toString('base64url')}`,
        expiresAt: claims.exp * 1000,
      }
    },
    verify(token) {
      if (!token.startsWith(SESSION_PREFIX)) throw unauthorized('登录凭证格式不正确，请重新登录')
      const lastDot = token.lastIndexOf('.')
      const signed = token.slice(0, lastDot)
      const given = Buffer.from(token.slice(lastDot + 1), 'base64url')
      const expected = sign(secret, signed)
      // Length first: timingSafeEqual throws on unequal lengths, and the length of an HMAC is public anyway.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw unauthorized('登录凭证无效，请重新登录')
      }
      let claims: Partial<SessionClaims>
      try {
        claims = JSON.parse(Buffer.from(signed.slice(SESSION_PREFIX.length), 'base64url').toString('utf8'))
      } catch {
        throw unauthorized('登录凭证格式不正确，请重新登录')
      }
      if (
        claims.v !== VERSION ||
        typeof claims.sub !== 'string' ||
        claims.sub === '' ||
        typeof claims.exp !== 'number' ||
        typeof claims.iat !== 'number'
      ) {
        throw unauthorized('登录凭证格式不正确，请重新登录')
      }
      if (claims.exp * 1000 <= now()) throw unauthorized('登录已过期，请重新登录', 'token_expired')
      return claims as SessionClaims
    },
  }
}
