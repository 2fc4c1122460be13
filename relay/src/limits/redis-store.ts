import { Redis } from 'ioredis'
import type { QuotaStore } from './store'

/**
 * Counters in Redis so every relay instance enforces the same numbers: `INCRBY` and `PEXPIRE`
 * in one MULTI, so a counter never outlives its window even if the relay dies between the two.
 * The TTL is computed on the relay's clock (the one that named the window), not Redis's.
 */
export function createRedisQuotaStore(
  url: string,
  onError: (message: string) => void,
  now: () => number = Date.now,
): QuotaStore {
  // A hung Redis may cost a chat request at most half a second; a dead one must not hold up shutdown.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500, disconnectTimeout: 100 })
  redis.on('error', (error: Error) => onError(error.message))
  const prefixed = (key: string): string => `relay:quota:${key}`
  return {
    async add(key, amount, expireAtMs) {
      const results = await redis
        .multi()
        .incrby(prefixed(key), amount)
        .pexpire(prefixed(key), Math.max(1, Math.ceil(expireAtMs - now())))
        .exec()
      const first = results?.[0]
      if (!first || first[0]) throw first?.[0] ?? new Error('redis MULTI was discarded')
      return Number(first[1])
    },
    async get(key) {
      const value = await redis.get(prefixed(key))
      return value === null ? 0 : Number(value)
    },
    async close() {
      redis.disconnect()
    },
  }
}
