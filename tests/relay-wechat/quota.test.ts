import { RelayError } from '../../relay/src/errors'
import {
  createExpiringCounters,
  createMemoryQuotaStore,
  createQuota,
  nextShanghaiMidnight,
  shanghaiDay,
} from '../../relay/src/limits'

describe('Shanghai calendar', () => {
  it('rolls the day over at 16:00 UTC (00:00 Beijing)', () => {
    expect(shanghaiDay(Date.UTC(2026, 10, 25, 15, 59))).toBe('20261125')
    expect(shanghaiDay(Date.UTC(2026, 10, 25, 16, 0))).toBe('20261126')
    expect(nextShanghaiMidnight(Date.UTC(2026, 10, 25, 3, 0))).toBe(Date.UTC(2026, 10, 25, 16, 0))
    expect(nextShanghaiMidnight(Date.UTC(2026, 10, 25, 16, 0))).toBe(Date.UTC(2026, 10, 26, 16, 0))
  })
})

describe('per-user quota (memory store)', () => {
  let clock = Date.UTC(2026, 10, 25, 4, 0, 10)
  const now = (): number => clock
  const refusal = async (run: () => Promise<void>): Promise<RelayError> => {
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(RelayError)
    return error as RelayError
  }

  it('limits requests per minute per user and resets with the next minute', async () => {
    const quota = createQuota(
      createMemoryQuotaStore(now),
      { requestsPerMinute: 2, completionTokensPerDay: 0 },
      now,
    )
    await quota.admit('u1', 'r1', 10)
    await quota.admit('u1', 'r2', 10)
    await quota.admit('u2', 'r3', 10)
    const error = await refusal(async () => void (await quota.admit('u1', 'r4', 10)))
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' })
    expect(error.headers['Retry-After']).toBe('50')
    expect(error.message).toMatch(/请 50 秒后再试/)
    clock += 50_000
    await expect(quota.admit('u1', 'r5', 10)).resolves.toBeNull()
  })

  it('limits completion tokens per Beijing day and says when it resets', async () => {
    const quota = createQuota(
      createMemoryQuotaStore(now),
      { requestsPerMinute: 0, completionTokensPerDay: 100 },
      now,
    )
    await quota.settle((await quota.admit('u1', 'r1', 60))!, 60)
    await quota.settle((await quota.admit('u1', 'r2', 60))!, 60)
    expect(await quota.usedToday('u1')).toBe(120)
    const error = await refusal(async () => void (await quota.admit('u1', 'r3', 60)))
    expect(error).toMatchObject({ status: 429, code: 'quota_exceeded' })
    expect(error.message).toContain('00:00 重置')
    expect(Number(error.headers['Retry-After'])).toBe((nextShanghaiMidnight(clock) - clock) / 1000)
    await expect(quota.admit('u2', 'r4', 60)).resolves.not.toBeNull()
    clock = nextShanghaiMidnight(clock)
    await expect(quota.admit('u1', 'r5', 60)).resolves.not.toBeNull()
    expect(await quota.usedToday('u1')).toBe(0)
  })
})

describe('token reservations', () => {
  const now = (): number => Date.UTC(2026, 10, 25, 4, 0, 10)
  const limits = { requestsPerMinute: 0, completionTokensPerDay: 100 }

  it('20 requests admitted at once overshoot the daily budget by at most one request', async () => {
    const quota = createQuota(createMemoryQuotaStore(now), limits, now)
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => quota.admit('u', `r${i}`, 30)),
    )
    const tickets = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []))
    // Each admitted while spent + held was below 100: 0, 30, 60, 90.
    expect(tickets).toHaveLength(4)
    await Promise.all(tickets.map((ticket) => quota.settle(ticket, 30)))
    expect(await quota.usedToday('u')).toBe(120)
    expect(await quota.usedToday('u')).toBeLessThanOrEqual(100 + 30)
  })

  it('settling releases the hold and counts what was really spent', async () => {
    const quota = createQuota(createMemoryQuotaStore(now), limits, now)
    const big = (await quota.admit('u', 'big', 90))!
    // 90 held: a second request fits (90 < 100), a third does not, and is told to retry soon.
    const second = (await quota.admit('u', 'second', 90))!
    const refused = await quota.admit('u', 'third', 10).catch((e: RelayError) => e)
    expect(refused).toMatchObject({ code: 'quota_exceeded', headers: { 'Retry-After': '10' } })
    await quota.settle(big, 5)
    await quota.settle(second, 0)
    expect(await quota.usedToday('u')).toBe(5)
    await expect(quota.admit('u', 'fourth', 90)).resolves.not.toBeNull()
  })

  it('a request refused per minute gives its reservation back', async () => {
    const store = createMemoryQuotaStore(now)
    const quota = createQuota(store, { requestsPerMinute: 1, completionTokensPerDay: 100 }, now)
    await quota.admit('u', 'a', 10)
    await expect(quota.admit('u', 'b', 80)).rejects.toMatchObject({ code: 'rate_limited' })
    const day = `tok:u:${shanghaiDay(now())}`
    const probe = {
      usedKey: day,
      holdsKey: `${day}:held`,
      id: 'probe',
      amount: 1,
      limit: 100,
      holdExpireAt: now() + 1000,
    }
    // Only a's 10 are still held.
    expect(await store.reserve(probe)).toEqual({ admitted: true, used: 0, held: 10 })
  })
})

describe('in-memory counters', () => {
  it('keep at most maxKeys, dropping the oldest', () => {
    const counters = createExpiringCounters(3)
    for (const key of ['a', 'b', 'c', 'd']) counters.add(key, 1, Date.now() + 60_000)
    expect(counters.size).toBe(3)
    expect(counters.get('a')).toBe(0)
    expect(counters.get('d')).toBe(1)
    counters.close()
  })

  it('expire in the background, without being read again', async () => {
    const counters = createExpiringCounters(1000)
    for (let i = 0; i < 100; i++) counters.add(`k${i}`, 1, Date.now() + 200)
    counters.add('kept', 1, Date.now() + 60_000)
    expect(counters.size).toBe(101)
    await new Promise((resolve) => setTimeout(resolve, 2300))
    expect(counters.size).toBe(1)
    counters.close()
  })

  it('cost the same per operation with 150,000 live counters as with 1,000', () => {
    const time = (live: number): number => {
      const counters = createExpiringCounters(200_000)
      const expireAt = Date.now() + 60_000
      for (let i = 0; i < live; i++) counters.add(`live${i}`, 1, expireAt)
      const started = performance.now()
      for (let i = 0; i < 20_000; i++) counters.add(`new${i}`, 1, expireAt)
      const ms = performance.now() - started
      counters.close()
      return ms
    }
    time(1000)
    const small = time(1000)
    const large = time(150_000)
    // Scanning every key on each add (as before) made this thousands of times slower.
    expect(large).toBeLessThan(small * 10 + 20)
  })
})
