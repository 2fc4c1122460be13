/**
 * Voice content security over real sockets: a recording sent to POST /v1/audio/transcriptions is
 * checked through media_check_async (media_type 1) — the emulator FETCHES its signed URL and pushes
 * a verdict — while the ASR upstream (a small server here) transcribes it, and the transcript goes
 * through msg_sec_check before it is returned. Risky audio or text never returns the transcript.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { makeWav } from '../support/images'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { login, startWechatRelay, type WechatRelay, wechatEnv } from './harness'

const PUSH_TOKEN = 'PushToken0123456789'
const HEARD = '今天天气怎么样'

let wx: WechatEmulator
let relay: WechatRelay | undefined
let asr: Server
let asrUrl: string
/** What happened, in order, on both emulated services. */
let events: string[]
/** Awaited by the ASR server before it answers. */
let asrGate: (() => Promise<void>) | null
let asrAnswer: string

beforeAll(async () => {
  wx = await startWechatEmulator()
  asr = createServer((req, res) => {
    events.push('asr:request')
    req.resume()
    req.on('end', async () => {
      // A gate that never opens answers 500: the test then fails on the status, not on a hang.
      const opened = await (asrGate?.() ?? Promise.resolve()).then(
        () => true,
        () => false,
      )
      if (!opened) return void res.writeHead(500).end()
      events.push('asr:response')
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ text: asrAnswer }))
    })
  })
  await new Promise<void>((resolve) => asr.listen(0, '127.0.0.1', resolve))
  asrUrl = `http://127.0.0.1:${(asr.address() as AddressInfo).port}/v1`
})
beforeEach(() => {
  events = []
  asrGate = null
  asrAnswer = HEARD
})
afterAll(async () => {
  await wx.close()
  asr.closeAllConnections()
  await new Promise((resolve) => asr.close(resolve))
})
afterEach(async () => {
  await Promise.all(wx.mediaChecks.map((check) => check.done))
  await relay?.close()
  relay = undefined
  wx.mediaChecks.length = 0
  wx.checked.length = 0
  Object.assign(wx.knobs, { mediaVerdict: 'pass', mediaLateMs: 0, mediaGate: null, riskyWords: [] })
})

/** A relay with content security on (RELAY_SECCHECK=1 unless `extra` says otherwise) and a logged-in user. */
async function start(extra: Record<string, string> = {}, withAsr = true) {
  relay = await startWechatRelay(
    wechatEnv(wx, {
      RELAY_SECCHECK: '1',
      WX_PUSH_TOKEN: PUSH_TOKEN,
      RELAY_MEDIA_CHECK_TIMEOUT_MS: '5000',
      ...(withAsr ? { RELAY_ASR_BASE_URL: asrUrl, RELAY_ASR_API_KEY: 'sk-asr' } : {}),
      ...extra,
    }),
  )
  const url = relay.relay.url
  Object.assign(wx.knobs, { pushUrl: `${url}/wx/push`, pushToken: PUSH_TOKEN })
  const session = await login(url, wx.issueCode('o-voice-user'))
  return { url, token: session.json.token as string }
}

async function transcribe(url: string, token: string, wav = makeWav(1)) {
  const form = new FormData()
  // As wx.uploadFile may send it: no audio type declared.
  form.append('file', new Blob([new Uint8Array(wav)], { type: 'application/octet-stream' }), 'voice.wav')
  form.append('model', 'whisper-1')
  const res = await fetch(`${url}/v1/audio/transcriptions`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  })
  const text = await res.text()
  return { status: res.status, text, body: JSON.parse(text) as { text?: string; error?: { code: string } } }
}

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  if (!check()) throw new Error('condition not met')
}

test('pass: WeChat fetches the recording (media_type 1) at a signed URL, the transcript is text-checked and returned', async () => {
  const { url, token } = await start()
  const wav = makeWav(1)
  const res = await transcribe(url, token, wav)
  expect(res).toMatchObject({ status: 200, body: { text: HEARD } })
  const [check] = wx.mediaChecks
  expect(check?.mediaType).toBe(1)
  expect(check?.openid).toBe('o-voice-user')
  expect(check?.mediaUrl.startsWith(`${url}/wx/media?`)).toBe(true)
  expect(check?.fetched?.equals(wav)).toBe(true)
  expect(check?.pushStatus).toBe(200)
  expect(wx.checked).toEqual([{ content: HEARD, openid: 'o-voice-user' }])
  expect(check?.fetchedType).toBe('audio/wav')
  // The recording is forgotten once its check is over, and never usable as an image.
  expect((await fetch(check?.mediaUrl ?? '')).status).toBe(404)
})

test('a recording kept for its check is never usable as an image, even by its own sender', async () => {
  const { url, token } = await start()
  let release = (): void => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  wx.knobs.mediaGate = () => held
  const pending = transcribe(url, token)
  await waitUntil(() => wx.mediaChecks[0]?.fetchStatus === 200)
  const id = new URL(wx.mediaChecks[0]?.mediaUrl ?? '').searchParams.get('id')
  const content = [{ type: 'image_url', image_url: { url: `upload://${id}` } }]
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: 'demo', stream: false, messages: [{ role: 'user', content }] }),
  })
  release()
  expect([res.status, ((await res.json()) as { error?: { code: string } }).error?.code]).toEqual([
    400,
    'upload_not_found',
  ])
  expect((await pending).status).toBe(200)
})

test('risky audio: 400 content_blocked, and nothing of the ASR answer is returned', async () => {
  const { url, token } = await start()
  wx.knobs.mediaVerdict = 'risky'
  const res = await transcribe(url, token)
  expect([res.status, res.body.error?.code]).toEqual([400, 'content_blocked'])
  expect(events).toContain('asr:response')
  expect(res.text).not.toContain(HEARD)
  expect(wx.checked).toEqual([])
})

test('risky transcript: 400 content_blocked, never the text', async () => {
  const { url, token } = await start()
  wx.knobs.riskyWords = ['天气']
  const res = await transcribe(url, token)
  expect([res.status, res.body.error?.code]).toEqual([400, 'content_blocked'])
  expect(res.text).not.toContain(HEARD)
  expect(wx.mediaChecks.length).toBe(1)
})

test('never, closed: no verdict within RELAY_MEDIA_CHECK_TIMEOUT_MS refuses (seccheck_unavailable)', async () => {
  const { url, token } = await start({ RELAY_MEDIA_CHECK_TIMEOUT_MS: '300' })
  wx.knobs.mediaVerdict = 'never'
  const res = await transcribe(url, token)
  expect([res.status, res.body.error?.code]).toEqual([503, 'seccheck_unavailable'])
  expect(res.text).not.toContain(HEARD)
  expect(wx.mediaChecks[0]?.fetchStatus).toBe(200)
})

test('never, open: the transcript is returned (and still text-checked), the gap logged', async () => {
  const { url, token } = await start({ RELAY_MEDIA_CHECK_TIMEOUT_MS: '300', RELAY_SECCHECK_FAIL: 'open' })
  wx.knobs.mediaVerdict = 'never'
  const res = await transcribe(url, token)
  expect(res).toMatchObject({ status: 200, body: { text: HEARD } })
  expect(wx.checked.map((c) => c.content)).toEqual([HEARD])
  expect(relay?.logs.some((line) => line.includes('audio check unavailable'))).toBe(true)
})

test('the audio check and the ASR call run at once: each waits for the other to have started', async () => {
  const { url, token } = await start()
  // The ASR answers only once WeChat was asked and fetched the recording; WeChat pushes its verdict
  // only once the ASR was asked. Run one after the other, either would wait for ever (and fail).
  asrGate = () => waitUntil(() => events.includes('wx:fetched'))
  wx.knobs.mediaGate = async () => {
    events.push('wx:fetched')
    // Not met: no push (the never case), so the request fails rather than hangs.
    await waitUntil(() => events.includes('asr:request')).catch(() => new Promise(() => undefined))
    events.push('wx:push')
  }
  const res = await transcribe(url, token)
  expect(res).toMatchObject({ status: 200, body: { text: HEARD } })
  expect(events.indexOf('asr:request')).toBeLessThan(events.indexOf('wx:push'))
  expect(events.indexOf('wx:fetched')).toBeLessThan(events.indexOf('asr:response'))
})

test('demo transcript with content security on: the same checks run', async () => {
  const { url, token } = await start({}, false)
  wx.knobs.riskyWords = ['演示模式']
  const res = await transcribe(url, token)
  expect([res.status, res.body.error?.code]).toEqual([400, 'content_blocked'])
  expect(wx.mediaChecks.length).toBe(1)
  expect(wx.checked.length).toBe(1)
  expect(res.text).not.toContain('演示模式')
})

test('content security off: no WeChat call at all', async () => {
  const { url, token } = await start({ RELAY_SECCHECK: '0' })
  const before = { ...wx.counters }
  const res = await transcribe(url, token)
  expect(res).toMatchObject({ status: 200, body: { text: HEARD } })
  expect(wx.counters.mediaCheckAsync).toBe(before.mediaCheckAsync)
  expect(wx.counters.msgSecCheck).toBe(before.msgSecCheck)
})

test('callers without an openid (static tokens) are not checked, as for photos', async () => {
  const { url } = await start({ RELAY_TOKENS: 'server-token' })
  const res = await transcribe(url, 'server-token')
  expect(res).toMatchObject({ status: 200, body: { text: HEARD } })
  expect(wx.mediaChecks.length).toBe(0)
  expect(wx.checked.length).toBe(0)
})

test('voice checks count in the WeChat call budget: past it, no call is made (closed refuses)', async () => {
  // Two calls a minute: the first recording's audio check and its transcript's text check.
  const { url, token } = await start({ RELAY_SECCHECK_CALLS_PER_MIN: '2' })
  expect((await transcribe(url, token)).status).toBe(200)
  const res = await transcribe(url, token)
  // A minute boundary between the two would refill the budget: then this run proves nothing, and says so.
  if (res.status === 200) return console.warn('budget window turned over between the two requests')
  expect(res.body.error?.code).toBe('seccheck_unavailable')
  expect(wx.mediaChecks.length).toBe(1)
  expect(wx.checked.length).toBe(1)
})
