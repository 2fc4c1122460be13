import { Redis } from 'ioredis'
import type { Logger } from '../log'
import { createExpiringCounters } from './expiring-counters'
import { MEMORY_MAX_KEYS } from './store'

const WINDOW_MS = 60_000

/** The outcome of counting one request. */
export interface RateDecision {
  allowed: boolean
  /** Seconds until the current window ends (for Retry-After). */
  retryAfterS: number
}

/** Counts requests per client in fixed one-minute windows. */
export interface RateLimiter {
  hit(key: string): Promise<RateDecision>
  close(): Promise<void>
}

function decision(count: number, limit: number, now: number): RateDecision {
  const windowEnd = (Math.floor(now / WINDOW_MS) + 1) * WINDOW_MS
  return { allowed: count <= limit, retryAfterS: Math.max(1, Math.ceil((windowEnd - now) / 1000)) }
}

/** In-process counters (O(1) per request, bounded, expired in the background): right for one instance. */
export function createMemoryLimiter(limit: number, now = Date.now): RateLimiter {
  const counters = createExpiringCounters(MEMORY_MAX_KEYS, now)
  return {
    async hit(key) {
      const at = now()
      const window = Math.floor(at / WINDOW_MS)
      return decision(counters.add(`${key}:${window}`, 1, (window + 1) * WINDOW_MS), limit, at)
    },
    async close() {
      counters.close()
    },
  }
}

/**
 * Counters in Redis (`INCR` + `PEXPIRE` in one MULTI) so every relay instance
 * shares them. If Redis is unreachable the request is let through and logged:
 * an outage of the limiter should not become an outage of the relay.
 */
export function createRedisLimiter(url: string, limit: number, log: Logger): RateLimiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, enableOfflineQueue: true })
  redis.on('error', (error: Error) => log.warn('redis error', { error: error.message }))
  return {
    async hit(key) {
      const at = Date.now()
      const window = Math.floor(at / WINDOW_MS)
      const redisKey = `relay:rl:${key}:${window}`
      try {
        const results = await redis
          .multi()
          .incr(redisKey)
          .pexpire(redisKey, (window + 1) * WINDOW_MS - at + 5000)
          .exec()
        const count = Number(results?.[0]?.[1] ?? 0)
        return decision(count, limit, at)
      } catch (error) {
        log.warn('rate limit skipped: redis unavailable', { error: (error as Error).message })
        return { allowed: true, retryAfterS: 0 }
      }
    },
    async close() {
      redis.disconnect()
    },
  }
}

/** The limiter `RELAY_RATE_LIMIT` asks for: none, in memory, or shared through `REDIS_URL`. */
export function createRateLimiter(
  settings: { rateLimit: number; redisUrl: string | null },
  log: Logger,
): RateLimiter | null {
  if (settings.rateLimit <= 0) return null
  if (settings.redisUrl) return createRedisLimiter(settings.redisUrl, settings.rateLimit, log)
  return createMemoryLimiter(settings.rateLimit)
}
