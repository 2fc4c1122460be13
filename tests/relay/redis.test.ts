import { freePort, startRedis } from '../support/redis-server'
import { chat, startTestRelay, type TestRelay, userMessage } from './helpers'

jest.setTimeout(60_000)

describe('rate limit shared through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>
  const relays: TestRelay[] = []

  beforeAll(async () => {
    redis = await startRedis()
    const env = {
      REDIS_URL: redis.url,
      RELAY_RATE_LIMIT: '4',
      RELAY_TOKENS: 'shared-token-abcdef',
      RELAY_DEMO_DELAY_MS: '0',
      UPSTREAM_API_KEY: 'sk-never-printed-123456',
    }
    // Two relay apps in this process, each with its own Redis connection: what two instances share is Redis.
    relays.push(await startTestRelay(env), await startTestRelay(env))
  })
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.close()))
    await redis?.stop()
  })

  it('two relays count the same client together', async () => {
    const auth = { Authorization: 'Bearer shared-token-abcdef' }
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const relay = relays[i % 2]!
      statuses.push((await chat(relay.url, userMessage('hi', { stream: false }), auth)).status)
    }
    // Per-process counters would allow 4 on each (8 in all); shared ones allow 4 in all.
    // (A minute boundary between requests can reset the window once, hence "at most".)
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5)
    expect(statuses.slice(0, 4)).toContain(200)
    expect(statuses.at(-1)).toBe(429)
    const res = await chat(relays[0]!.url, userMessage('hi'), auth)
    expect(res.status).toBe(429)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    for (const relay of relays) {
      expect(relay.logs.join('\n')).toContain('"rateLimit":4')
      expect(relay.logs.join('\n')).not.toContain('sk-never-printed-123456')
    }
  })
})

describe('when Redis is down', () => {
  it('requests are still served (the limiter fails open and logs it)', async () => {
    const relay = await startTestRelay({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      RELAY_RATE_LIMIT: '1',
    })
    try {
      const first = await chat(relay.url, userMessage('hi', { stream: false }))
      const second = await chat(relay.url, userMessage('hi', { stream: false }))
      expect([first.status, second.status]).toEqual([200, 200])
      expect(relay.logs.some((l) => l.includes('rate limit skipped'))).toBe(true)
    } finally {
      await relay.close()
    }
  })
})
