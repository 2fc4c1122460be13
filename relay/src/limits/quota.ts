import { RelayError } from '../errors'
import { beijingTime, nextMinute, nextShanghaiMidnight, shanghaiDay } from './clock'
import type { QuotaStore } from './store'

/** Per-user limits; 0 turns a limit off. */
export interface QuotaLimits {
  /** Chat requests per minute per user (`RELAY_QUOTA_RPM`). */
  requestsPerMinute: number
  /** Completion tokens per Asia/Shanghai day per user (`RELAY_QUOTA_TOKENS_PER_DAY`). */
  completionTokensPerDay: number
}

/** Enforces QuotaLimits over a QuotaStore. */
export interface Quota {
  /** Counts one request; throws a 429 RelayError (with Retry-After) when a limit is reached. */
  admit(userId: string): Promise<void>
  /** Adds completion tokens spent by a finished (or stopped) answer. */
  record(userId: string, completionTokens: number): Promise<void>
  /** Completion tokens the user spent today. */
  usedToday(userId: string): Promise<number>
}

function retryAfter(resetAt: number, now: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil((resetAt - now) / 1000))) }
}

/** Fixed windows: a minute for requests, a Beijing calendar day for tokens (reset at 00:00 CST). */
export function createQuota(store: QuotaStore, limits: QuotaLimits, now: () => number = Date.now): Quota {
  const dayKey = (userId: string, at: number): string => `tok:${userId}:${shanghaiDay(at)}`
  return {
    async admit(userId) {
      const at = now()
      if (limits.completionTokensPerDay > 0) {
        const used = await store.get(dayKey(userId, at))
        if (used >= limits.completionTokensPerDay) {
          const resetAt = nextShanghaiMidnight(at)
          throw new RelayError(
            429,
            'quota_exceeded',
            `今日额度已用完（每日 ${limits.completionTokensPerDay} tokens），将于北京时间 ${beijingTime(resetAt)} 重置`,
            retryAfter(resetAt, at),
          )
        }
      }
      if (limits.requestsPerMinute > 0) {
        const resetAt = nextMinute(at)
        const count = await store.add(`rpm:${userId}:${Math.floor(at / 60_000)}`, 1, resetAt)
        if (count > limits.requestsPerMinute) {
          const seconds = Math.max(1, Math.ceil((resetAt - at) / 1000))
          throw new RelayError(
            429,
            'rate_limited',
            `请求过于频繁（每分钟最多 ${limits.requestsPerMinute} 次），请 ${seconds} 秒后再试`,
            retryAfter(resetAt, at),
          )
        }
      }
    },
    async record(userId, completionTokens) {
      if (limits.completionTokensPerDay <= 0 || completionTokens <= 0) return
      const at = now()
      await store.add(dayKey(userId, at), Math.ceil(completionTokens), nextShanghaiMidnight(at))
    },
    usedToday(userId) {
      return store.get(dayKey(userId, now()))
    },
  }
}
