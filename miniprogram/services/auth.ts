import { errorMessage } from '../lib/errors/index'
import { normalizeRelayUrl } from '../lib/settings/index'
import type { ChatUpdate } from '../lib/stream/index'
import { createUpdateGate } from '../lib/stream/update-gate'
import { startChatRequest } from './chat-client'

/** The relay an endpoint belongs to: everything before its last `/v1/` (chat, a generation's stream…). */
function relayOf(endpoint: string): string {
  const at = endpoint.lastIndexOf('/v1/')
  return normalizeRelayUrl(at >= 0 ? endpoint.slice(0, at) : endpoint)
}

/** Storage key of the relay session obtained through wx.login. */
export const SESSION_KEY = 'auth:session'

/** Renew a session this long before the relay would reject it, so a request never starts on a dying token. */
const EXPIRY_MARGIN_MS = 60_000

/** Same options as startChatRequest (kept structural so the two can never drift apart). */
export type AuthorizedChatOptions = Parameters<typeof startChatRequest>[0]

/** A relay session token as stored in wx storage. */
export interface StoredSession {
  token: string
  /** Epoch milliseconds after which the relay rejects the token. */
  expiresAt: number
  /** The relay that issued it: a token of one relay means nothing to another. */
  relayUrl: string
}

/** Shown when the relay still refuses after a fresh wx.login. */
export const LOGIN_FAILED = '微信登录失败，请稍后重试'

/** In-flight logins per relay, so a burst of requests shares one wx.login. */
const pending = new Map<string, Promise<string | null>>()

/** Relays whose login route is missing (a development relay without auth): don't ask again until a 401. */
const unsupported = new Set<string>()

/** The stored session for this relay if it is still comfortably valid. */
export function readSession(relayUrl: string, now = Date.now()): StoredSession | null {
  let raw: unknown
  try {
    raw = wx.getStorageSync(SESSION_KEY)
  } catch {
    return null
  }
  if (!raw || typeof raw !== 'object') return null
  const s = raw as Partial<StoredSession>
  if (
    typeof s.token !== 'string' ||
    typeof s.expiresAt !== 'number' ||
    s.relayUrl !== normalizeRelayUrl(relayUrl)
  ) {
    return null
  }
  return s.expiresAt - EXPIRY_MARGIN_MS > now ? (s as StoredSession) : null
}

/** Forgets the stored session (e.g. after the relay rejected it). */
export function clearSession(): void {
  try {
    wx.removeStorageSync(SESSION_KEY)
  } catch {
    // Storage failures only cost an extra login later.
  }
}

function wxLoginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new Error(res.errMsg || 'wx.login: no code'))),
      fail: (err) => reject(new Error(err.errMsg || 'wx.login failed')),
    })
  })
}

function parseBody(data: unknown): Record<string, unknown> | null {
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data)
    } catch {
      return null
    }
  }
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : null
}

function exchangeCode(relayUrl: string, code: string): Promise<StoredSession | 'unsupported'> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${relayUrl}/auth/wx-login`,
      method: 'POST',
      data: { code },
      header: { 'content-type': 'application/json' },
      success: (res) => {
        if (res.statusCode === 404 || res.statusCode === 405) return resolve('unsupported')
        const body = parseBody(res.data)
        const token = body?.token
        const expiresAt = body?.expiresAt
        if (res.statusCode !== 200 || typeof token !== 'string' || typeof expiresAt !== 'number') {
          return reject(new Error(`登录失败（HTTP ${res.statusCode}）`))
        }
        resolve({ token, expiresAt, relayUrl })
      },
      fail: (err) => reject(new Error(err.errMsg || '登录请求失败')),
    })
  })
}

async function login(relayUrl: string): Promise<string | null> {
  const outcome = await exchangeCode(relayUrl, await wxLoginCode())
  if (outcome === 'unsupported') {
    unsupported.add(relayUrl)
    return null
  }
  unsupported.delete(relayUrl)
  try {
    wx.setStorageSync(SESSION_KEY, outcome)
  } catch {
    // The token still works for this run; it just won't survive a restart.
  }
  return outcome.token
}

/**
 * Returns a valid session token for the relay, logging in with wx.login when none is stored.
 * Resolves null when the relay has no login route (a development relay without auth);
 * rejects when WeChat or the relay refuses the login. `force` ignores the stored session.
 */
export function ensureLogin(relayUrl: string, force = false): Promise<string | null> {
  const base = normalizeRelayUrl(relayUrl)
  if (!force) {
    const stored = readSession(base)
    if (stored) return Promise.resolve(stored.token)
    if (unsupported.has(base)) return Promise.resolve(null)
  }
  const inFlight = pending.get(base)
  if (inFlight) return inFlight
  const p = login(base).finally(() => pending.delete(base))
  pending.set(base, p)
  return p
}

/**
 * startChatRequest with identity: the settings token when one is set (`opts.token`), otherwise the
 * wx.login session token. When the relay answers `unauthorized` before any delta, it logs in again
 * once, silently, and retries — the caller never sees that first error.
 */
export function startAuthorizedChatRequest(opts: AuthorizedChatOptions): { abort(): void } {
  if (opts.token) return startChatRequest(opts)
  const relayUrl = relayOf(opts.url)
  // A retried request and an abort during the re-login are more ways to end: one gate for all.
  const out = createUpdateGate(opts.onUpdate)
  let current: { abort(): void } | null = null
  let stopped = false
  let retried = false

  const finishAborted = (): void =>
    out.emit({ type: 'error', message: errorMessage('aborted'), code: 'aborted' })

  const run = (token: string | null): void => {
    if (stopped) return
    let sawDelta = false
    current = startChatRequest({
      ...opts,
      token: token ?? undefined,
      onUpdate: (u: ChatUpdate) => {
        if (u.type === 'delta') sawDelta = true
        if (u.type === 'error' && u.code === 'unauthorized' && !sawDelta && !retried && !stopped) {
          retried = true
          current = null
          clearSession()
          unsupported.delete(relayUrl)
          // A failed re-login leaves the original 401 as the honest answer.
          ensureLogin(relayUrl, true).then(
            (fresh) => {
              if (fresh) run(fresh)
              else if (!stopped) out.emit(u)
            },
            () => {
              if (!stopped) out.emit({ ...u, message: LOGIN_FAILED })
            },
          )
          return
        }
        // The settings page has no token to fix here: say it is the WeChat login that failed.
        if (u.type === 'error' && u.code === 'unauthorized' && retried)
          out.emit({ ...u, message: LOGIN_FAILED })
        else out.emit(u)
      },
    })
  }

  ensureLogin(relayUrl).then(
    (token) => run(token),
    // Login failed: try without a session; a relay that needs one answers 401 and we retry once.
    () => run(null),
  )

  return {
    abort() {
      if (stopped) return
      stopped = true
      if (current) current.abort()
      else finishAborted()
    },
  }
}
