import { Redis } from 'ioredis'
import type { QuotaStore } from './store'

/**
 * Holds live in a sorted set (member `id:amount`, score = when it lapses). One script drops lapsed
 * holds, sums the rest with what was spent, and adds the hold only below the limit: atomic in Redis,
 * so instances admitting at the same moment cannot all see the same room.
 * KEYS: used, holds. ARGV: member, limit, now, lapse, holds TTL (ms).
 */
const RESERVE = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local held = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  held = held + tonumber(string.match(member, ':(%d+)$'))
end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + held >= tonumber(ARGV[2]) then return {0, used, held} end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {1, used, held}
`

/** KEYS: used, holds. ARGV: member, spent, used TTL (ms). */
const SETTLE = `
redis.call('ZREM', KEYS[2], ARGV[1])
if tonumber(ARGV[2]) > 0 then
  redis.call('INCRBY', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
`

type ScriptRedis = Redis & {
  quotaReserve(
    used: string,
    holds: string,
    ...args: Array<string | number>
  ): Promise<[number, number, number]>
  quotaSettle(used: string, holds: string, ...args: Array<string | number>): Promise<number>
}

/**
 * Counters and holds in Redis so every relay instance enforces the same numbers: `INCRBY` and
 * `PEXPIRE` in one MULTI, so a counter never outlives its window even if the relay dies between
 * the two; holds and their settlement in one script each. TTLs are computed on the relay's clock
 * (the one that named the window), not Redis's.
 */
export function createRedisQuotaStore(
  url: string,
  onError: (message: string) => void,
  now: () => number = Date.now,
): QuotaStore {
  // A hung Redis may cost a chat request at most half a second; a dead one must not hold up shutdown.
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    disconnectTimeout: 100,
  }) as ScriptRedis
  redis.defineCommand('quotaReserve', { numberOfKeys: 2, lua: RESERVE })
  redis.defineCommand('quotaSettle', { numberOfKeys: 2, lua: SETTLE })
  redis.on('error', (error: Error) => onError(error.message))
  const prefixed = (key: string): string => `relay:quota:${key}`
  const ttl = (at: number): number => Math.max(1, Math.ceil(at - now()))
  return {
    async add(key, amount, expireAtMs) {
      const results = await redis
        .multi()
        .incrby(prefixed(key), amount)
        .pexpire(prefixed(key), ttl(expireAtMs))
        .exec()
      const first = results?.[0]
      if (!first || first[0]) throw first?.[0] ?? new Error('redis MULTI was discarded')
      return Number(first[1])
    },
    async get(key) {
      const value = await redis.get(prefixed(key))
      return value === null ? 0 : Number(value)
    },
    async reserve(r) {
      const member = `${r.id}:${r.amount}`
      const [admitted, used, held] = await redis.quotaReserve(
        prefixed(r.usedKey),
        prefixed(r.holdsKey),
        member,
        r.limit,
        now(),
        r.holdExpireAt,
        ttl(r.holdExpireAt),
      )
      return { admitted: admitted === 1, used: Number(used), held: Number(held) }
    },
    async settle(r, spent, expireAtMs) {
      await redis.quotaSettle(
        prefixed(r.usedKey),
        prefixed(r.holdsKey),
        `${r.id}:${r.amount}`,
        Math.max(0, Math.ceil(spent)),
        ttl(expireAtMs),
      )
    },
    async close() {
      redis.disconnect()
    },
  }
}
