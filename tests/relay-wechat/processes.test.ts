import { startRedis } from '../support/redis-server'
import { type RelayProcess, spawnRelay } from '../support/relay-process'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { chat, login, SESSION_SECRET, sseBody, UPSTREAM_KEY, wechatEnv } from './harness'

jest.setTimeout(60_000)

const MODEL = 'emu-model'

describe('two relay processes share quotas through a real redis-server', () => {
  let redis: { url: string; stop(): Promise<void> }
  let wx: WechatEmulator
  let up: UpstreamEmulator
  let relays: RelayProcess[] = []

  beforeAll(async () => {
    redis = await startRedis()
    wx = await startWechatEmulator()
    up = await startUpstreamEmulator()
    up.setBehaviour({ body: sseBody(['一段', '回答'], 40), chunkSize: 512 })
    const env = wechatEnv(wx, {
      REDIS_URL: redis.url,
      UPSTREAM_BASE_URL: up.url,
      UPSTREAM_API_KEY: UPSTREAM_KEY,
      RELAY_MODELS: MODEL,
      RELAY_QUOTA_TOKENS_PER_DAY: '50',
    })
    // The real relay/src/main.ts, so this also proves main wires the WeChat hooks from the environment.
    relays = await Promise.all([spawnRelay(env), spawnRelay(env)])
  })
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()))
    await up.close()
    await wx.close()
    await redis.stop()
  })

  it('a session from one process works on the other, and the daily quota is spent across both', async () => {
    const [a, b] = relays.map((r) => r.url) as [string, string]
    const token = (await login(a, wx.issueCode('o-proc'))).json.token as string
    expect((await chat(b, token, '你好', { model: MODEL })).status).toBe(200)
    expect((await chat(a, token, '你好', { model: MODEL })).status).toBe(200)
    // 80 of 50 tokens spent, 40 on each process: both refuse now.
    for (const url of [a, b]) {
      const res = await chat(url, token, '你好', { model: MODEL })
      expect(res.status).toBe(429)
      expect(res.json.error?.code).toBe('quota_exceeded')
    }
    const logs = relays.map((r) => r.output()).join('\n')
    for (const secret of [wx.secret, SESSION_SECRET, UPSTREAM_KEY]) expect(logs).not.toContain(secret)
  })
})
