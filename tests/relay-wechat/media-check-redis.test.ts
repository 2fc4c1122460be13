/**
 * Photo verdicts across instances: WeChat pushes to whichever instance its load balancer picks.
 * Two relays share a real redis-server; the photo is asked about on one, the verdict is pushed to
 * the other, and it still reaches the waiting request (and the verdict stays with the upload).
 */
import { Redis } from 'ioredis'
import { makePng } from '../support/images'
import { startRedis } from '../support/redis-server'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { login, startWechatRelay, type WechatRelay, wechatEnv } from './harness'

jest.setTimeout(60_000)

const PUSH_TOKEN = 'PushToken0123456789'

let redis: { url: string; stop(): Promise<void> }
let wx: WechatEmulator
let upstream: UpstreamEmulator
const relays: WechatRelay[] = []

beforeAll(async () => {
  ;[redis, wx, upstream] = await Promise.all([startRedis(), startWechatEmulator(), startUpstreamEmulator()])
})
afterAll(async () => {
  await Promise.all(wx.mediaChecks.map((check) => check.done))
  for (const relay of relays) await relay.close()
  await Promise.all([wx.close(), upstream.close(), redis.stop()])
})

test('a verdict pushed to the other instance reaches the request waiting on this one', async () => {
  const env = wechatEnv(wx, {
    REDIS_URL: redis.url,
    RELAY_SECCHECK: '1',
    WX_PUSH_TOKEN: PUSH_TOKEN,
    RELAY_MEDIA_URL_SECRET: 'shared-media-secret-0123456789',
    RELAY_MEDIA_CHECK_TIMEOUT_MS: '3000',
    UPSTREAM_BASE_URL: upstream.url,
    RELAY_MODELS: 'seer',
    RELAY_VISION_MODELS: 'seer',
  })
  relays.push(await startWechatRelay(env), await startWechatRelay(env))
  const [asking, pushed] = relays.map((r) => r.relay.url) as [string, string]
  Object.assign(wx.knobs, { pushUrl: `${pushed}/wx/push`, pushToken: PUSH_TOKEN })
  // Both instances must be subscribed before the push: one sent earlier would be lost to them.
  const probe = new Redis(redis.url)
  for (let i = 0; i < 500; i++) {
    const [, count] = (await probe.pubsub('NUMSUB', 'relay:wx-media-verdict')) as [string, number]
    if (count === 2) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  probe.disconnect()
  const token = (await login(asking, wx.issueCode('o-two-instances'))).json.token as string
  const auth = { authorization: `Bearer ${token}` }
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(makePng(3, 2))], { type: 'image/png' }), 'p.png')
  const { id } = (await (
    await fetch(`${asking}/v1/uploads`, { method: 'POST', body: form, headers: auth })
  ).json()) as {
    id: string
  }
  const ask = (url: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({
        model: 'seer',
        stream: false,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `upload://${id}` } }] }],
      }),
    })
  expect((await ask(asking)).status).toBe(200)
  expect(wx.mediaChecks[0]?.pushStatus).toBe(200)
  // The verdict is kept with the upload in Redis: the other instance does not ask WeChat again.
  expect((await ask(pushed)).status).toBe(200)
  expect(wx.mediaChecks.length).toBe(1)
})
