import { nextShanghaiMidnight } from '../../relay/src/limits'
import { freePort, startRedis } from '../support/redis-server'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { chat, login, sseBody, startWechatRelay, type WechatRelay, wechatEnv } from './harness'

jest.setTimeout(60_000)

const MODEL = 'emu-model'

describe('relay: per-user quotas shared by two relay instances through a real redis-server', () => {
  let redis: { url: string; stop(): Promise<void> }
  let wx: WechatEmulator
  let up: UpstreamEmulator
  let relays: WechatRelay[]
  // Both relays read the same movable clock, as two machines with synced time would.
  let clock = Date.UTC(2026, 10, 25, 4, 0, 5)
  const now = (): number => clock

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(() => redis.stop())

  beforeEach(async () => {
    wx = await startWechatEmulator()
    up = await startUpstreamEmulator()
    up.setBehaviour({ chunkSize: 512 })
    relays = []
  })
  afterEach(async () => {
    for (const r of relays) await r.close()
    await up.close()
    await wx.close()
  })

  const pair = async (extra: Record<string, string>) => {
    const env = wechatEnv(wx, {
      REDIS_URL: redis.url,
      UPSTREAM_BASE_URL: up.url,
      RELAY_MODELS: MODEL,
      ...extra,
    })
    const a = await startWechatRelay(env, now)
    const b = await startWechatRelay(env, now)
    relays.push(a, b)
    return [a.relay.url, b.relay.url] as const
  }

  const sessionFor = async (relayUrl: string, openid: string): Promise<string> =>
    (await login(relayUrl, wx.issueCode(openid))).json.token as string

  it('counts requests per minute across both instances and resets at the next minute', async () => {
    const [a, b] = await pair({ RELAY_QUOTA_RPM: '3' })
    const token = await sessionFor(a, 'o-rpm')
    const other = await sessionFor(b, 'o-rpm-other')
    const statuses = []
    for (const url of [a, b, a, b]) statuses.push((await chat(url, token, '你好', { model: MODEL })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await chat(a, token, '你好', { model: MODEL })
    expect(refused.json.error).toMatchObject({ code: 'rate_limited', type: 'rate_limit_error' })
    expect(refused.json.error?.message).toContain('每分钟最多 3 次')
    expect(refused.headers.get('retry-after')).toBe('55')
    // Another user is unaffected.
    expect((await chat(b, other, '你好', { model: MODEL })).status).toBe(200)
    clock += 55_000
    expect((await chat(b, token, '你好', { model: MODEL })).status).toBe(200)
  })

  it('counts completion tokens per Beijing day from the streamed usage, shared, and resets at midnight', async () => {
    up.setBehaviour({ body: sseBody(['一段', '回答'], 40), chunkSize: 512 })
    const [a, b] = await pair({ RELAY_QUOTA_TOKENS_PER_DAY: '100' })
    const token = await sessionFor(a, 'o-tokens')
    for (const url of [a, b, a]) expect((await chat(url, token, '你好', { model: MODEL })).status).toBe(200)
    // 120 of 100 tokens spent (the third answer was admitted at 80): both instances now refuse.
    for (const url of [a, b]) {
      const res = await chat(url, token, '你好', { model: MODEL })
      expect(res.status).toBe(429)
      expect(res.json.error?.code).toBe('quota_exceeded')
      expect(res.json.error?.message).toContain('今日额度已用完')
      expect(Number(res.headers.get('retry-after'))).toBe((nextShanghaiMidnight(clock) - clock) / 1000)
    }
    // The relay asked the upstream for usage on every streamed request.
    expect(
      up.requests.every((r) => (r.json?.stream_options as { include_usage?: boolean })?.include_usage),
    ).toBe(true)
    clock = nextShanghaiMidnight(clock) + 1000
    expect((await chat(b, token, '你好', { model: MODEL })).status).toBe(200)
  })

  it('lets requests through and logs when Redis is unreachable (a quota outage is not a relay outage)', async () => {
    const env = wechatEnv(wx, {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      UPSTREAM_BASE_URL: up.url,
      RELAY_MODELS: MODEL,
      RELAY_QUOTA_RPM: '1',
    })
    const relay = await startWechatRelay(env, now)
    relays.push(relay)
    const token = await sessionFor(relay.relay.url, 'o-no-redis')
    for (let i = 0; i < 2; i++)
      expect((await chat(relay.relay.url, token, '你好', { model: MODEL })).status).toBe(200)
    expect(relay.logs.some((l) => l.includes('quota admit skipped'))).toBe(true)
  })
})
