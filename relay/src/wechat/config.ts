import type { QuotaLimits } from '../limits'
import type { BudgetLimits } from './call-budget'
import { pushAesKey } from './push-crypto'
import type { FailMode, HoldSettings } from './seccheck'

/** Settings of the WeChat layer (login, quotas, content security), read from the environment. */
export interface WechatConfig {
  /** `WX_API_BASE`; tests point it at the emulator. */
  apiBase: string
  /** `WX_APPID` / `WX_SECRET`; empty when login is off. */
  appid: string
  secret: string
  /** `RELAY_SESSION_SECRET` (HMAC key of session tokens) and `RELAY_SESSION_TTL_S`. */
  sessionSecret: string
  sessionTtlS: number
  /**
   * `RELAY_TRUST_WX_HEADERS=1`: accept Cloud Hosting's `x-wx-openid` as is. Only for a service that
   * nothing reaches but `wx.cloud.callContainer` (no custom domain, no public access): through a
   * custom domain a client sets the header itself. Off by default and in container.config.json.
   */
  trustWxHeaders: boolean
  /** `RELAY_LOGIN_RATE_LIMIT`: logins per minute per client address (0 = off). */
  loginRateLimit: number
  /** `WX_CLOUD_OPENAPI=1`: Cloud Hosting open-API mode, no access_token on calls. */
  tokenless: boolean
  /** `RELAY_SECCHECK=1` and `RELAY_SECCHECK_FAIL`. */
  seccheck: boolean
  seccheckFail: FailMode
  /** `RELAY_SECCHECK_CALLS_PER_MIN` / `_PER_DAY`: the relay's share of msg_sec_check's per-app limits. */
  seccheckBudget: BudgetLimits
  /** `RELAY_SECCHECK_MIN_CHARS` and `RELAY_SECCHECK_HOLD_MS`: how answer text is held for its check. */
  seccheckHold: HoldSettings
  /** `WX_PUSH_TOKEN`: the message-push Token set in the mini program's admin console ('' = no image verdicts). */
  pushToken: string
  /** `WX_PUSH_AES_KEY`: the EncodingAESKey, to read safe-mode (encrypted) pushes; '' = plaintext only. */
  pushAesKey: string
  /** `RELAY_MEDIA_CHECK_TIMEOUT_MS`: longest wait for an image's pushed verdict before RELAY_SECCHECK_FAIL applies. */
  mediaCheckTimeoutMs: number
  /** `RELAY_QUOTA_RPM` and `RELAY_QUOTA_TOKENS_PER_DAY` (0 = off). */
  quota: QuotaLimits
  /** `REDIS_URL`: share quota counters between relay instances. */
  redisUrl: string | null
  /** `RELAY_TOKENS`: static tokens keep working next to sessions. */
  staticTokens: string[]
  /** `WX_API_TIMEOUT_MS`. */
  timeoutMs: number
  /** Injected clock (tests move time forward). */
  now?: () => number
  /** Where log lines go (default stdout). */
  logSink?: (line: string) => void
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`)
  return Number(raw)
}

/**
 * A request waits this long for a pushed verdict. Bounded below the life of a recording's signed
 * URL (AUDIO_KEEP_MS, 2 min) so WeChat can always still fetch what it was asked to check.
 */
const MAX_MEDIA_CHECK_TIMEOUT_MS = 90_000

function mediaCheckTimeout(env: NodeJS.ProcessEnv): number {
  const ms = whole(env, 'RELAY_MEDIA_CHECK_TIMEOUT_MS', 10_000)
  if (ms > MAX_MEDIA_CHECK_TIMEOUT_MS) {
    throw new Error(`RELAY_MEDIA_CHECK_TIMEOUT_MS must be at most ${MAX_MEDIA_CHECK_TIMEOUT_MS}, got ${ms}`)
  }
  return ms
}

const flag = (value: string | undefined): boolean => value === '1' || value === 'true'

/**
 * Reads the WeChat layer's settings; null when none of its features is configured.
 * Throws an Error naming the variable when a feature is half-configured.
 */
export function loadWechatConfig(env: NodeJS.ProcessEnv): WechatConfig | null {
  const tokenless = flag(env.WX_CLOUD_OPENAPI)
  const config: WechatConfig = {
    // Open-API mode goes through Cloud Hosting's internal plain-HTTP endpoint.
    apiBase: (
      env.WX_API_BASE?.trim() || (tokenless ? 'http://api.weixin.qq.com' : 'https://api.weixin.qq.com')
    ).replace(/\/+$/, ''),
    appid: env.WX_APPID?.trim() ?? '',
    secret: env.WX_SECRET?.trim() ?? '',
    sessionSecret: env.RELAY_SESSION_SECRET ?? '',
    sessionTtlS: whole(env, 'RELAY_SESSION_TTL_S', 7 * 86_400),
    trustWxHeaders: flag(env.RELAY_TRUST_WX_HEADERS),
    loginRateLimit: whole(env, 'RELAY_LOGIN_RATE_LIMIT', 10),
    tokenless,
    seccheck: flag(env.RELAY_SECCHECK),
    seccheckFail: env.RELAY_SECCHECK_FAIL === 'open' ? 'open' : 'closed',
    // 90 % of WeChat's 4,000 a minute and 2,000,000 a day: room for clock skew and other callers of the app.
    seccheckBudget: {
      perMinute: whole(env, 'RELAY_SECCHECK_CALLS_PER_MIN', 3600),
      perDay: whole(env, 'RELAY_SECCHECK_CALLS_PER_DAY', 1_800_000),
    },
    seccheckHold: {
      minChars: whole(env, 'RELAY_SECCHECK_MIN_CHARS', 80),
      holdMs: whole(env, 'RELAY_SECCHECK_HOLD_MS', 1000),
    },
    pushToken: env.WX_PUSH_TOKEN?.trim() ?? '',
    pushAesKey: env.WX_PUSH_AES_KEY?.trim() ?? '',
    mediaCheckTimeoutMs: mediaCheckTimeout(env),
    quota: {
      requestsPerMinute: whole(env, 'RELAY_QUOTA_RPM', 0),
      completionTokensPerDay: whole(env, 'RELAY_QUOTA_TOKENS_PER_DAY', 0),
    },
    redisUrl: env.REDIS_URL?.trim() || null,
    staticTokens: (env.RELAY_TOKENS ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    timeoutMs: whole(env, 'WX_API_TIMEOUT_MS', 5000),
  }
  const fail = env.RELAY_SECCHECK_FAIL?.trim()
  if (fail && fail !== 'open' && fail !== 'closed')
    throw new Error('RELAY_SECCHECK_FAIL must be "closed" or "open"')
  if (config.pushAesKey !== '') pushAesKey(config.pushAesKey)
  const login = config.appid !== '' || config.secret !== ''
  if (login && (!config.appid || (!config.secret && !tokenless))) throw new Error('WX_APPID needs WX_SECRET')
  if ((login || config.trustWxHeaders) && config.sessionSecret.length < 16) {
    throw new Error('RELAY_SESSION_SECRET (16+ characters) is required for WeChat login')
  }
  if (config.seccheck && !tokenless && (!config.appid || !config.secret)) {
    throw new Error('RELAY_SECCHECK=1 needs WX_APPID and WX_SECRET (or WX_CLOUD_OPENAPI=1)')
  }
  const quotas = config.quota.requestsPerMinute > 0 || config.quota.completionTokensPerDay > 0
  return login || config.trustWxHeaders || config.seccheck || quotas ? config : null
}

/** Whether wx.login sessions can be issued. */
export function loginEnabled(config: WechatConfig): boolean {
  return (
    config.sessionSecret.length >= 16 &&
    ((config.appid !== '' && config.secret !== '') || config.trustWxHeaders)
  )
}
