import { nextMinute, nextShanghaiMidnight, shanghaiDay } from '../limits/clock'
import type { QuotaStore } from '../limits/store'

/** msg_sec_check's limits per AppID: 4,000 calls per wall-clock minute and 2,000,000 per day. */
export const WECHAT_CALLS_PER_MINUTE = 4000
export const WECHAT_CALLS_PER_DAY = 2_000_000

/** The relay's share of an API's per-app call limits, counted where every instance sees it. */
export interface CallBudget {
  /** Counts one call; false when this minute's or this day's budget is already spent (the call must not be made). */
  take(): Promise<boolean>
  /** How much of this minute's budget is spent (0–1), as of the last call. */
  pressure(): number
}

/** Budget settings; 0 turns a limit off. */
export interface BudgetLimits {
  perMinute: number
  perDay: number
}

/**
 * Fixed windows as WeChat counts them (whole minutes; days of Beijing time), in a QuotaStore so
 * several relay instances share one budget through Redis. A store that fails counts nothing: the
 * call goes ahead, and WeChat's own limit (errcode 45009) then answers for it.
 */
export function createCallBudget(
  store: QuotaStore,
  limits: BudgetLimits,
  onError: (message: string) => void,
  now: () => number = Date.now,
): CallBudget {
  let lastPressure = 0
  return {
    async take() {
      const at = now()
      try {
        if (limits.perMinute > 0) {
          const used = await store.add(`seccheck:min:${Math.floor(at / 60_000)}`, 1, nextMinute(at))
          lastPressure = used / limits.perMinute
          if (used > limits.perMinute) return false
        }
        if (limits.perDay <= 0) return true
        return (
          (await store.add(`seccheck:day:${shanghaiDay(at)}`, 1, nextShanghaiMidnight(at))) <= limits.perDay
        )
      } catch (error) {
        onError(error instanceof Error ? error.message : String(error))
        return true
      }
    },
    pressure: () => lastPressure,
  }
}
