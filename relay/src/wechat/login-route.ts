import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'
import { clientIp } from '../http/auth'
import { readJsonBody } from '../http/json'
import { sendJson } from '../http/respond'
import type { RateLimiter } from '../limits/rate-limit'
import type { Logger } from '../log'
import { headerOpenid } from './header-openid'
import type { SessionSigner } from './session'
import { type WechatApi, WechatApiError } from './wechat-api'

/** What the login route needs. */
export interface LoginDeps {
  api: WechatApi | null
  signer: SessionSigner
  /** Take the openid from Cloud Hosting's `x-wx-openid` header instead of a code. */
  trustWxHeaders: boolean
  /** Logins per minute per client address (RELAY_LOGIN_RATE_LIMIT); null = unlimited. */
  limiter: RateLimiter | null
  log: Logger
}

/** wx.login codes are short runs of letters and digits; anything else is not worth a call to WeChat. */
const CODE = /^[A-Za-z0-9_-]{8,128}$/

async function readCode(req: IncomingMessage, res: ServerResponse): Promise<string> {
  const body = await readJsonBody(req, res, 4096)
  const code = (body as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !CODE.test(code)) {
    throw new RelayError(400, 'invalid_request', '缺少 wx.login 返回的 code')
  }
  return code
}

/**
 * Counts a login against its client address first: every code costs a jscode2session call, and
 * WeChat limits those per app, so random codes from one address could get every user's login refused.
 */
async function limitLogins(req: IncomingMessage, limiter: RateLimiter | null): Promise<void> {
  const decision = await limiter?.hit(`login:${clientIp(req)}`)
  if (decision && !decision.allowed) {
    throw new RelayError(429, 'rate_limited', '登录过于频繁，请稍后再试', {
      'Retry-After': String(decision.retryAfterS),
    })
  }
}

function mapFailure(error: unknown, log: Logger): RelayError {
  if (!(error instanceof WechatApiError))
    return new RelayError(502, 'wechat_error', '微信登录失败，请稍后再试')
  log.warn('wx-login failed', { kind: error.kind, errcode: error.errcode })
  if (error.kind === 'invalid_code')
    return new RelayError(401, 'invalid_code', '登录凭证无效或已被使用，请重新登录')
  if (error.kind === 'rate_limited') {
    return new RelayError(429, 'rate_limited', '登录过于频繁，请一分钟后再试', { 'Retry-After': '60' })
  }
  if (error.kind === 'rejected') return new RelayError(502, 'wechat_error', '微信登录失败，请稍后再试')
  return new RelayError(503, 'wechat_unavailable', '微信服务暂时不可用，请稍后再试')
}

/**
 * `POST /auth/wx-login {code}` → `{token, expiresAt}`. The openid stays on the server: the app
 * has no use for it, and a leaked openid ties chat logs to a WeChat user.
 */
export function createLoginRoute(deps: LoginDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await limitLogins(req, deps.limiter)
    const fromHeader = deps.trustWxHeaders ? headerOpenid(req) : null
    let openid = fromHeader
    if (!openid) {
      const code = await readCode(req, res)
      if (!deps.api) throw new RelayError(400, 'login_unavailable', '此中继未配置微信登录')
      try {
        openid = (await deps.api.code2Session(code)).openid
      } catch (error) {
        throw mapFailure(error, deps.log)
      }
    }
    const session = deps.signer.issue(openid)
    sendJson(res, 200, { token: session.token, expiresAt: session.expiresAt })
  }
}
