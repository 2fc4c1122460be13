import { RelayError } from '../../relay/src/errors'
import {
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
    await quota.admit('u1')
    await quota.admit('u1')
    await quota.admit('u2')
    const error = await refusal(() => quota.admit('u1'))
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' })
    expect(error.headers['Retry-After']).toBe('50')
    expect(error.message).toMatch(/请 50 秒后再试/)
    clock += 50_000
    await expect(quota.admit('u1')).resolves.toBeUndefined()
  })

  it('limits completion tokens per Beijing day and says when it resets', async () => {
    const quota = createQuota(
      createMemoryQuotaStore(now),
      { requestsPerMinute: 0, completionTokensPerDay: 100 },
      now,
    )
    await quota.admit('u1')
    await quota.record('u1', 60)
    await quota.admit('u1')
    await quota.record('u1', 60)
    expect(await quota.usedToday('u1')).toBe(120)
    const error = await refusal(() => quota.admit('u1'))
    expect(error).toMatchObject({ status: 429, code: 'quota_exceeded' })
    expect(error.message).toContain('00:00 重置')
    expect(Number(error.headers['Retry-After'])).toBe((nextShanghaiMidnight(clock) - clock) / 1000)
    await expect(quota.admit('u2')).resolves.toBeUndefined()
    clock = nextShanghaiMidnight(clock)
    await expect(quota.admit('u1')).resolves.toBeUndefined()
    expect(await quota.usedToday('u1')).toBe(0)
  })
})
