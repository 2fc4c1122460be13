import { startRedis } from '../support/redis-server'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { chat, login, sseBody, startWechatRelay, type WechatRelay, wechatEnv } from './harness'

jest.setTimeout(60_000)

const MODEL = 'emu-model'
const BUDGET = 100
/** Each answer may use up to this many tokens (RELAY_MAX_TOKENS) and reports exactly that much. */
const CAP = 30

describe('20 parallel requests against a small daily token budget never overshoot it by more than one cap', () => {
  let wx: WechatEmulator
  let up: UpstreamEmulator
  let relays: WechatRelay[]
  let redis: { url: string; stop(): Promise<void> }
  // A still clock: the Beijing day cannot roll over mid-test.
  const now = (): number => Date.UTC(2026, 10, 25, 4, 0, 10)

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(() => redis.stop())
  beforeEach(async () => {
    wx = await startWechatEmulator()
    up = await startUpstreamEmulator()
    // Slow enough that all 20 are in flight together.
    up.setBehaviour({ body: sseBody(['一段', '回答'], CAP), chunkSize: 64, delayMs: 20 })
    relays = []
  })
  afterEach(async () => {
    for (const relay of relays) await relay.close()
    await up.close()
    await wx.close()
  })

  const burst = async (extra: Record<string, string>, instances: number) => {
    const env = wechatEnv(wx, {
      UPSTREAM_BASE_URL: up.url,
      RELAY_MODELS: MODEL,
      RELAY_QUOTA_TOKENS_PER_DAY: String(BUDGET),
      RELAY_MAX_TOKENS: String(CAP),
      ...extra,
    })
    for (let i = 0; i < instances; i++) relays.push(await startWechatRelay(env, now))
    const urls = relays.map((r) => r.relay.url)
    const token = (await login(urls[0]!, wx.issueCode('o-burst'))).json.token as string
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => chat(urls[i % urls.length]!, token, '你好', { model: MODEL })),
    )
    const served = answers.filter((a) => a.status === 200)
    const refused = answers.filter((a) => a.status === 429)
    expect(served.length + refused.length).toBe(20)
    for (const answer of refused) expect(answer.json.error?.code).toBe('quota_exceeded')
    // Every served answer spent CAP tokens: what was spent is at most the budget plus one answer.
    expect(served.length * CAP).toBeLessThanOrEqual(BUDGET + CAP)
    expect(served.length).toBeGreaterThanOrEqual(1)
    // Every reservation was settled: the day is spent, so the next request is refused outright.
    const after = await chat(urls[0]!, token, '你好', { model: MODEL })
    expect(after.status).toBe(429)
    expect(after.json.error?.message).toContain('今日额度已用完')
    expect(up.requests.every((r) => r.json?.max_tokens === CAP)).toBe(true)
    return served.length
  }

  it('in memory', async () => {
    expect(await burst({}, 1)).toBe(4)
  })

  it('in Redis, across two relay instances', async () => {
    expect(await burst({ REDIS_URL: redis.url }, 2)).toBe(4)
  })
})
