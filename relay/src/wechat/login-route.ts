import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'
import { readBody } from '../http/body'
import { sendJson } from '../http/respond'
import type { Logger } from '../log'
import type { SessionSigner } from './session'
import { type WechatApi, WechatApiError } from './wechat-api'

/** What the login route needs. */
export interface LoginDeps {
  api: WechatApi | null
  signer: SessionSigner
  /** Take the openid from Cloud Hosting's `x-wx-openid` header instead of a code. */
  trustWxHeaders: boolean
  log: Logger
}

function trustedOpenid(req: IncomingMessage): string | null {
  const value = req.headers['x-wx-openid']
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

async function readCode(req: IncomingMessage): Promise<string> {
  let body: unknown
  try {
    body = JSON.parse((await readBody(req, 4096)).toString('utf8'))
  } catch (error) {
    if (error instanceof RelayError) throw error
    throw new RelayError(400, 'invalid_json', '请求体不是合法的 JSON')
  }
  const code = (body as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || code === '' || code.length > 256) {
    throw new RelayError(400, 'invalid_request', '缺少 wx.login 返回的 code')
  }
  return code
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
    const fromHeader = deps.trustWxHeaders ? trustedOpenid(req) : null
    let openid = fromHeader
    if (!openid) {
      const code = await readCode(req)
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
