import { RelayError } from '../errors'
import { beijingTime, nextMinute, nextShanghaiMidnight, shanghaiDay } from './clock'
import type { QuotaStore, Reservation } from './store'

/** Per-user limits; 0 turns a limit off. */
export interface QuotaLimits {
  /** Chat requests per minute per user (`RELAY_QUOTA_RPM`). */
  requestsPerMinute: number
  /** Completion tokens per Asia/Shanghai day per user (`RELAY_QUOTA_TOKENS_PER_DAY`). */
  completionTokensPerDay: number
}

/** One admitted request's claim on today's tokens, to settle when it ends. */
export type QuotaTicket = Reservation

/** Enforces QuotaLimits over a QuotaStore. */
export interface Quota {
  /**
   * Counts one request and reserves its worst case (`maxTokens`, the capped `max_tokens` it was
   * sent with) of the user's tokens for today; throws a 429 RelayError (with Retry-After) when a
   * limit is reached. The ticket (null when the daily limit is off) must be settled.
   */
  admit(userId: string, requestId: string, maxTokens: number): Promise<QuotaTicket | null>
  /** Releases the reservation and counts the completion tokens the answer really spent. */
  settle(ticket: QuotaTicket, completionTokens: number): Promise<void>
  /** Completion tokens the user spent today (settled answers). */
  usedToday(userId: string): Promise<number>
}

/**
 * A reservation not settled after this long (its instance died mid-answer) stops holding tokens;
 * an answer that really runs longer is still counted when it settles.
 */
export const HOLD_LAPSE_MS = 30 * 60_000

function retryAfter(resetAt: number, now: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil((resetAt - now) / 1000))) }
}

/** While other answers of the user hold the rest of the day's tokens, a retry soon may fit. */
const HELD_RETRY_S = 10

/**
 * Fixed windows: a minute for requests, a Beijing calendar day for tokens (reset at 00:00 CST).
 * Tokens are reserved at admission and settled at the end, so concurrent requests cannot all be
 * admitted against the same remainder: the day's spend overshoots the limit by at most one
 * request's `max_tokens`.
 */
export function createQuota(store: QuotaStore, limits: QuotaLimits, now: () => number = Date.now): Quota {
  const dayKey = (userId: string, at: number): string => `tok:${userId}:${shanghaiDay(at)}`
  const countRequest = async (userId: string, at: number): Promise<void> => {
    const resetAt = nextMinute(at)
    const count = await store.add(`rpm:${userId}:${Math.floor(at / 60_000)}`, 1, resetAt)
    if (count <= limits.requestsPerMinute) return
    const seconds = Math.max(1, Math.ceil((resetAt - at) / 1000))
    throw new RelayError(
      429,
      'rate_limited',
      `请求过于频繁（每分钟最多 ${limits.requestsPerMinute} 次），请 ${seconds} 秒后再试`,
      retryAfter(resetAt, at),
    )
  }
  const reserve = async (
    userId: string,
    requestId: string,
    maxTokens: number,
    at: number,
  ): Promise<QuotaTicket> => {
    const day = dayKey(userId, at)
    const ticket: QuotaTicket = {
      usedKey: day,
      holdsKey: `${day}:held`,
      id: requestId,
      amount: Math.max(1, Math.ceil(maxTokens)),
      limit: limits.completionTokensPerDay,
      holdExpireAt: at + HOLD_LAPSE_MS,
    }
    const outcome = await store.reserve(ticket)
    if (outcome.admitted) return ticket
    if (outcome.used >= limits.completionTokensPerDay) {
      const resetAt = nextShanghaiMidnight(at)
      throw new RelayError(
        429,
        'quota_exceeded',
        `今日额度已用完（每日 ${limits.completionTokensPerDay} tokens），将于北京时间 ${beijingTime(resetAt)} 重置`,
        retryAfter(resetAt, at),
      )
    }
    throw new RelayError(429, 'quota_exceeded', '进行中的回答占用了今日剩余额度，请稍后再试', {
      'Retry-After': String(HELD_RETRY_S),
    })
  }
  return {
    async admit(userId, requestId, maxTokens) {
      const at = now()
      const ticket =
        limits.completionTokensPerDay > 0 ? await reserve(userId, requestId, maxTokens, at) : null
      if (limits.requestsPerMinute > 0) {
        try {
          await countRequest(userId, at)
        } catch (error) {
          if (ticket) await store.settle(ticket, 0, nextShanghaiMidnight(at))
          throw error
        }
      }
      return ticket
    },
    async settle(ticket, completionTokens) {
      const at = now()
      await store.settle(ticket, Math.max(0, Math.ceil(completionTokens)), nextShanghaiMidnight(at))
    },
    usedToday(userId) {
      return store.get(dayKey(userId, now()))
    },
  }
}
