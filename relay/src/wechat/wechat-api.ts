/** Why a WeChat call failed, in terms the relay can act on. */
export type WechatFailure = 'invalid_code' | 'rate_limited' | 'busy' | 'unavailable' | 'rejected'

/**
 * A failed WeChat API call. The message never contains the AppSecret or an access token
 * (the jscode2session URL carries the secret, so URLs are never put into errors).
 */
export class WechatApiError extends Error {
  readonly kind: WechatFailure
  readonly errcode: number | null

  constructor(kind: WechatFailure, message: string, errcode: number | null = null) {
    super(message)
    this.name = 'WechatApiError'
    this.kind = kind
    this.errcode = errcode
  }
}

/** How to reach WeChat's server API. */
export interface WechatApiOptions {
  /** `WX_API_BASE`, without a trailing slash. */
  base: string
  appid: string
  secret: string
  /** Cloud Hosting open-API mode: the gateway authenticates the call, so no access_token is sent. */
  tokenless: boolean
  /** Per-call timeout. */
  timeoutMs: number
  now?: () => number
}

/** The verdict of msg_sec_check v2 (`result.suggest`). */
export type SecVerdict = 'pass' | 'review' | 'risky'

/** What media_check_async is asked about (its `media_type`: 1 audio, 2 image). */
export type MediaType = 'image' | 'audio'

/** The parts of WeChat's server API the relay uses. */
export interface WechatApi {
  /** jscode2session: a wx.login code → the user's openid. */
  code2Session(code: string): Promise<{ openid: string }>
  /** A cached stable access_token; `force` asks WeChat for a new one. */
  accessToken(force?: boolean): Promise<string>
  /** msg_sec_check v2 for one text of at most 2,500 characters. */
  msgSecCheck(content: string, openid: string): Promise<SecVerdict>
  /**
   * media_check_async v2 for an image (or a recording) WeChat fetches from `mediaUrl`: resolves with the trace id
   * the verdict will be pushed under (to the app's message-push URL), not with a verdict.
   */
  mediaCheckAsync(mediaUrl: string, openid: string, mediaType?: MediaType): Promise<string>
}

/** Refresh this long before WeChat's stated expiry, so no call races the deadline. */
const REFRESH_MARGIN_MS = 5 * 60_000
/** errcodes meaning "this access_token is no longer valid". */
const TOKEN_INVALID = new Set([40001, 42001])

type Json = Record<string, unknown>

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<Json> {
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    throw new WechatApiError('unavailable', timedOut ? 'WeChat API timed out' : 'WeChat API unreachable')
  }
  if (!res.ok) throw new WechatApiError('unavailable', `WeChat API answered HTTP ${res.status}`)
  try {
    return (await res.json()) as Json
  } catch {
    throw new WechatApiError('unavailable', 'WeChat API answered with invalid JSON')
  }
}

function errcodeOf(body: Json): number {
  return typeof body.errcode === 'number' ? body.errcode : 0
}

function failure(body: Json, what: string): WechatApiError {
  const code = errcodeOf(body)
  if (code === -1) return new WechatApiError('busy', `${what}: WeChat is busy (errcode -1)`, code)
  // 45011: an API's minute quota; 45009: msg_sec_check's per-app limit (4,000 a minute, 2,000,000 a day).
  if (code === 45011 || code === 45009) {
    return new WechatApiError('rate_limited', `${what}: rate limited (errcode ${code})`, code)
  }
  if (code === 40029 || code === 40163) {
    return new WechatApiError('invalid_code', `${what}: invalid or used code (errcode ${code})`, code)
  }
  return new WechatApiError('rejected', `${what}: errcode ${code}`, code)
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

/** A client for jscode2session, stable_token, msg_sec_check v2 and media_check_async v2. */
export function createWechatApi(opts: WechatApiOptions): WechatApi {
  const now = opts.now ?? Date.now
  let cached: { token: string; refreshAt: number } | null = null
  let inFlight: Promise<string> | null = null

  async function fetchToken(force: boolean): Promise<string> {
    const body = await call(
      `${opts.base}/cgi-bin/stable_token`,
      json({ grant_type: 'client_credential', appid: opts.appid, secret: opts.secret, force_refresh: force }),
      opts.timeoutMs,
    )
    const token = body.access_token
    if (errcodeOf(body) !== 0 || typeof token !== 'string') throw failure(body, 'stable_token')
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 7200
    cached = { token, refreshAt: now() + Math.max(expiresIn * 1000 - REFRESH_MARGIN_MS, 0) }
    return token
  }

  const api: WechatApi = {
    async code2Session(code) {
      const query = new URLSearchParams({
        appid: opts.appid,
        secret: opts.secret,
        js_code: code,
        grant_type: 'authorization_code',
      })
      const body = await call(`${opts.base}/sns/jscode2session?${query}`, { method: 'GET' }, opts.timeoutMs)
      // Success answers carry no errcode at all on current WeChat servers, only openid + session_key.
      if (errcodeOf(body) !== 0 || typeof body.openid !== 'string') throw failure(body, 'jscode2session')
      return { openid: body.openid }
    },
    accessToken(force = false) {
      if (!force && cached && now() < cached.refreshAt) return Promise.resolve(cached.token)
      // One refresh at a time: concurrent callers share it instead of each invalidating the other's token.
      if (!inFlight) inFlight = fetchToken(force).finally(() => (inFlight = null))
      return inFlight
    },
    async msgSecCheck(content, openid) {
      const body = await withToken('msg_sec_check', { content, version: 2, scene: 2, openid })
      const suggest = (body.result as Json | undefined)?.suggest
      if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') {
        throw new WechatApiError('unavailable', 'msg_sec_check: no result.suggest in the answer')
      }
      return suggest
    },
    async mediaCheckAsync(mediaUrl, openid, mediaType = 'image') {
      // media_type 1: audio, 2: an image; scene 2 (comments), as for the text of the same conversation.
      const media_type = mediaType === 'audio' ? 1 : 2
      const payload = { media_url: mediaUrl, media_type, version: 2, scene: 2, openid }
      const body = await withToken('media_check_async', payload)
      // The HTTPS API answers `trace_id`; cloud calls have been seen to answer `traceId`.
      const trace = body.trace_id ?? body.traceId
      if (typeof trace !== 'string' || trace === '') {
        throw new WechatApiError('unavailable', 'media_check_async: no trace_id in the answer')
      }
      return trace
    },
  }

  /** POSTs `payload` to `/wxa/<name>` with the access token (once more with a new one if WeChat says it is stale). */
  async function withToken(name: string, payload: unknown): Promise<Json> {
    const send = async (token: string | null): Promise<Json> =>
      call(`${opts.base}/wxa/${name}${token ? `?access_token=${token}` : ''}`, json(payload), opts.timeoutMs)
    let body = await send(opts.tokenless ? null : await api.accessToken())
    if (!opts.tokenless && TOKEN_INVALID.has(errcodeOf(body))) {
      body = await send(await api.accessToken(true))
    }
    if (errcodeOf(body) !== 0) throw failure(body, name)
    return body
  }
  return api
}
