import { RelayError } from '../errors'
import type { ImageVerdict } from '../hooks'
import type { Logger } from '../log'
import type { CallBudget } from './call-budget'
import type { FailMode } from './seccheck'
import { type MediaType, type WechatApi, WechatApiError } from './wechat-api'

/** A verdict WeChat pushed for one trace id: its `result.suggest`, or null when WeChat could not check. */
export interface PushedVerdict {
  traceId: string
  suggest: string | null
}

/** Image and audio content security over media_check_async: ask, then wait for the pushed verdict. */
export interface MediaChecker {
  /** Resolves once the media at `url` has a verdict; `unchecked` when none came and the policy is open. */
  check(openid: string, url: string, type?: MediaType): Promise<ImageVerdict>
  /** Hands over a verdict from a verified push. */
  pushed(verdict: PushedVerdict): void
}

/** Settings of the media checker. */
export interface MediaCheckSettings {
  failMode: FailMode
  /** Longest wait for a pushed verdict. */
  timeoutMs: number
  /** Whether pushes can arrive at all (a push token is set). */
  pushes: boolean
}

/** Verdicts pushed before their call returned its trace id are kept this long, at most this many. */
const EARLY_MS = 60_000
const EARLY_MAX = 10_000

/**
 * One relay process's checks in flight, keyed by trace id. WeChat may push a verdict before its
 * own answer to the call reached the relay, so verdicts without a waiter are kept a minute. Every
 * call is counted against `budget`; past it, on a failed call, or with no verdict within
 * `timeoutMs`, `failMode` decides as for text: `closed` refuses, `open` lets the image through
 * unchecked and logs it.
 */
export function createMediaChecker(
  api: WechatApi,
  budget: CallBudget,
  settings: MediaCheckSettings,
  log: Logger,
  now: () => number = Date.now,
): MediaChecker {
  const waiting = new Map<string, (suggest: string | null) => void>()
  const early = new Map<string, { suggest: string | null; at: number }>()

  const unavailable = (type: MediaType, reason: string): ImageVerdict => {
    if (settings.failMode === 'open') {
      log.warn(`${type} check unavailable, letting it through (RELAY_SECCHECK_FAIL=open)`, { reason })
      return 'unchecked'
    }
    log.warn(`${type} check unavailable, refusing (RELAY_SECCHECK_FAIL=closed)`, { reason })
    const what = type === 'audio' ? '语音' : '图片'
    throw new RelayError(503, 'seccheck_unavailable', `${what}安全检查暂时不可用，请稍后再试`)
  }

  const waitFor = (traceId: string): Promise<string | null | undefined> => {
    const kept = early.get(traceId)
    if (kept) {
      early.delete(traceId)
      return Promise.resolve(kept.suggest)
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(traceId)
        resolve(undefined)
      }, settings.timeoutMs)
      waiting.set(traceId, (suggest) => {
        clearTimeout(timer)
        waiting.delete(traceId)
        resolve(suggest)
      })
    })
  }

  return {
    async check(openid, url, type = 'image') {
      if (!settings.pushes) return unavailable(type, 'WX_PUSH_TOKEN is not set: no verdict can arrive')
      if (!(await budget.take())) return unavailable(type, 'WeChat call budget spent')
      let traceId: string
      try {
        traceId = await api.mediaCheckAsync(url, openid, type)
      } catch (error) {
        return unavailable(type, error instanceof WechatApiError ? error.message : 'unexpected error')
      }
      const suggest = await waitFor(traceId)
      if (suggest === undefined) return unavailable(type, `no verdict pushed within ${settings.timeoutMs} ms`)
      if (suggest === null) return unavailable(type, `WeChat could not check the ${type}`)
      if (suggest === 'risky') {
        log.warn(`${type} check blocked it`, { traceId })
        return 'risky'
      }
      if (suggest === 'review') log.info(`${type} check suggests review`, { traceId })
      return suggest === 'pass' || suggest === 'review'
        ? 'pass'
        : unavailable(type, `unknown suggest "${suggest}"`)
    },
    pushed({ traceId, suggest }) {
      const waiter = waiting.get(traceId)
      if (waiter) return waiter(suggest)
      const at = now()
      for (const [id, entry] of early) {
        if (early.size < EARLY_MAX && entry.at > at - EARLY_MS) break
        early.delete(id)
      }
      early.set(traceId, { suggest, at })
    },
  }
}
