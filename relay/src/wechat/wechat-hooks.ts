import { RelayError } from '../errors'
import type { OutputCheck, RelayContext, RelayHooks, RelayUser, UsageInfo } from '../hooks'
import { bearerToken } from '../http/auth'
import type { QuotaTicket } from '../limits'
import { createRateLimiter } from '../limits/rate-limit'
import { createLogger, stdoutSink } from '../log'
import { loadWechatConfig, loginEnabled, type WechatConfig } from './config'
import { createCounting } from './counting'
import { headerOpenid } from './header-openid'
import { createLoginRoute } from './login-route'
import { createMediaChecker } from './media-check'
import { pushAesKey } from './push-crypto'
import { createPushFanout } from './push-fanout'
import { createPushRoutes } from './push-route'
import { createSessionSigner, SESSION_PREFIX } from './session'
import { createWechatApi } from './wechat-api'

/** RelayHooks plus what the WeChat layer needs beyond them. */
export interface WechatHooks extends RelayHooks {
  /** Closes the Redis connection of the quota store. */
  close(): Promise<void>
}

/** Per-request scratch kept in `ctx.state.wechat`. */
interface RequestState {
  /** Content security for this answer: only callers with an openid can be checked. */
  check: OutputCheck | null
  chars: number
  /** Today's tokens reserved for this answer, until it settles. */
  ticket: QuotaTicket | null
}

const stateOf = (ctx: RelayContext): RequestState | undefined => ctx.state.wechat as RequestState | undefined

/** The text of a message's `content`: a string, or the text parts of a multi-part array. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (part && typeof part === 'object' && typeof part.text === 'string' ? part.text : ''))
    .join('\n')
}

/**
 * The WeChat layer as relay hooks: session-token / Cloud Hosting identity, `POST /auth/wx-login`,
 * per-user quotas (memory or Redis), msg_sec_check on input, streamed output and transcripts, and
 * media_check_async on photos and recordings.
 */
export function createWechatHooks(config: WechatConfig): WechatHooks {
  const now = config.now ?? Date.now
  const log = createLogger(
    [config.secret, config.sessionSecret].filter(Boolean),
    config.logSink ?? stdoutSink,
  )
  const login = loginEnabled(config)
  const loginLimiter = login
    ? createRateLimiter({ rateLimit: config.loginRateLimit, redisUrl: config.redisUrl }, log)
    : null
  const signer = login ? createSessionSigner(config.sessionSecret, config.sessionTtlS, now) : null
  const needsApi = (config.appid !== '' && config.secret !== '') || config.tokenless
  const api = needsApi
    ? createWechatApi({ ...config, base: config.apiBase, timeoutMs: config.timeoutMs, now })
    : null
  const { store, checker, quota, budget } = createCounting(config, api, log, now)
  // Images: media_check_async, whose verdicts WeChat pushes to POST /wx/push.
  const media =
    checker && api && budget
      ? createMediaChecker(
          api,
          budget,
          {
            failMode: config.seccheckFail,
            timeoutMs: config.mediaCheckTimeoutMs,
            pushes: config.pushToken !== '',
          },
          log,
          now,
        )
      : null
  if (media && config.pushToken === '') {
    log.warn(
      'RELAY_SECCHECK=1 without WX_PUSH_TOKEN: no image verdict can arrive, RELAY_SECCHECK_FAIL decides',
    )
  }
  const fanout =
    media && config.pushToken !== ''
      ? createPushFanout(config.redisUrl, (verdict) => media.pushed(verdict), log)
      : null
  const pushRoutes = fanout
    ? createPushRoutes(
        {
          token: config.pushToken,
          aes: config.pushAesKey ? { key: pushAesKey(config.pushAesKey), appid: config.appid } : null,
        },
        (verdict) => fanout.publish(verdict),
        log,
        now,
      )
    : {}

  // A quota store outage must not take the relay down with it: count nothing and log.
  const guarded = async (what: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run()
    } catch (error) {
      if (error instanceof RelayError) throw error
      log.warn(`quota ${what} skipped`, { error: error instanceof Error ? error.message : String(error) })
    }
  }

  /** Settles the answer's reservation once: with the usage it reported, else what it showed. */
  const settle = async (ctx: RelayContext, tokens: number): Promise<void> => {
    const state = stateOf(ctx)
    const ticket = state?.ticket
    if (!quota || !state || !ticket) return
    state.ticket = null
    await guarded('settle', () => quota.settle(ticket, tokens))
  }

  const hooks: WechatHooks = {
    async authenticate(req): Promise<RelayUser | null> {
      if (config.trustWxHeaders) {
        const openid = headerOpenid(req)
        if (openid) return { userId: `wx:${openid}`, openid }
      }
      const token = bearerToken(req)
      if (token && signer && token.startsWith(SESSION_PREFIX)) {
        const claims = signer.verify(token)
        return { userId: `wx:${claims.sub}`, openid: claims.sub }
      }
      if (!login) return null
      // Once WeChat login is on, an anonymous caller must log in first, even with no RELAY_TOKENS.
      if (!token) throw new RelayError(401, 'missing_token', '请先登录')
      // Any other bearer is the relay's to check against RELAY_TOKENS (in constant time); with none
      // configured it would wave everyone through as an open relay, so refuse here.
      if (config.staticTokens.length > 0) return null
      throw new RelayError(401, 'invalid_token', '登录凭证无效，请重新登录')
    },

    async beforeUpstream(ctx) {
      const state: RequestState = { check: null, chars: 0, ticket: null }
      ctx.state.wechat = state
      if (quota) {
        // The worst case is what the upstream may send: the capped max_tokens the request carries.
        const maxTokens = Number(ctx.body.max_completion_tokens ?? ctx.body.max_tokens ?? 0)
        await guarded('admit', async () => {
          state.ticket = await quota.admit(ctx.user.userId, ctx.requestId, maxTokens)
        })
        // Usage is what the daily quota counts; OpenAI-compatible upstreams only stream it when asked.
        if (ctx.stream && config.quota.completionTokensPerDay > 0) {
          const previous = ctx.body.stream_options
          ctx.body.stream_options = {
            ...(previous && typeof previous === 'object' ? previous : {}),
            include_usage: true,
          }
        }
      }
      const openid = ctx.user.openid
      // msg_sec_check v2 needs an openid; static-token callers (dev, server-to-server) have none.
      if (!checker || !openid) return
      const newest = [...ctx.body.messages].reverse().find((m) => m.role === 'user')
      const text = newest ? messageText(newest.content) : ''
      if (text.trim() !== '') await checker.checkInput(openid, text)
      state.check = checker.outputCheck(openid)
    },

    async checkImage(ctx, image) {
      const openid = ctx.user.openid
      // As for text: only callers with an openid can be checked (media_check_async v2 needs one).
      if (!media || !openid) return 'unchecked'
      return media.check(openid, image.url)
    },

    async checkAudio(user, audio) {
      // As for photos: callers without an openid are not checked.
      if (!media || !user.openid) return 'unchecked'
      return media.check(user.openid, audio.url, 'audio')
    },

    async checkTranscript(user, text) {
      if (!checker || !user.openid || text.trim() === '') return
      try {
        await checker.checkInput(user.openid, text)
      } catch (error) {
        if (!(error instanceof RelayError) || error.code !== 'content_blocked') throw error
        throw new RelayError(400, 'content_blocked', '这段语音的内容未通过安全检查，请重新录制')
      }
    },

    outputCheck(ctx) {
      return stateOf(ctx)?.check ?? null
    },

    async onOutputText(ctx, text) {
      const state = stateOf(ctx)
      if (state) state.chars += text.length
    },

    async onUsage(ctx, usage: UsageInfo) {
      await settle(ctx, usage.completion_tokens)
    },

    async onEnd(ctx) {
      const state = stateOf(ctx)
      if (!state) return
      // A stream cut short (client left, upstream broke) reports no usage; the text length is a fair stand-in.
      await settle(ctx, state.chars)
    },

    routes: {
      ...(login && signer
        ? {
            'POST /auth/wx-login': createLoginRoute({
              api,
              signer,
              trustWxHeaders: config.trustWxHeaders,
              limiter: loginLimiter,
              log,
            }),
          }
        : {}),
      ...pushRoutes,
    },

    async close() {
      await store?.close()
      await loginLimiter?.close()
      await fanout?.close()
    },
  }
  return hooks
}

/**
 * The one line main.ts needs: `createRelay(config, { hooks: wechatHooksFromEnv(process.env) })`.
 * Undefined when no WeChat feature is configured, so the relay behaves exactly as without this layer.
 */
export function wechatHooksFromEnv(
  env: NodeJS.ProcessEnv,
  logSink?: (line: string) => void,
): WechatHooks | undefined {
  const config = loadWechatConfig(env)
  return config ? createWechatHooks(logSink ? { ...config, logSink } : config) : undefined
}
