import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import {
  chat,
  errorFrame,
  login,
  sseBody,
  startWechatRelay,
  streamedText,
  UPSTREAM_KEY,
  type WechatRelay,
  wechatEnv,
} from './harness'

const MODEL = 'emu-model'

describe('relay: content security (RELAY_SECCHECK=1) over real sockets', () => {
  let wx: WechatEmulator
  let up: UpstreamEmulator
  let relays: WechatRelay[]

  const start = async (extra: Record<string, string> = {}, now?: () => number) => {
    const relay = await startWechatRelay(
      wechatEnv(wx, {
        RELAY_SECCHECK: '1',
        UPSTREAM_BASE_URL: up.url,
        UPSTREAM_API_KEY: UPSTREAM_KEY,
        RELAY_MODELS: MODEL,
        ...extra,
      }),
      now,
    )
    relays.push(relay)
    const token = (await login(relay.relay.url, wx.issueCode('o-user'))).json.token as string
    return { relay, token, ask: (content: string) => chat(relay.relay.url, token, content, { model: MODEL }) }
  }

  beforeEach(async () => {
    wx = await startWechatEmulator()
    wx.knobs.riskyWords = ['违禁词']
    up = await startUpstreamEmulator()
    up.setBehaviour({ chunkSize: 512 })
    relays = []
  })
  afterEach(async () => {
    for (const r of relays) await r.close()
    await up.close()
    await wx.close()
  })

  it('passes clean input and output, checking both with the user openid', async () => {
    const { ask } = await start()
    const res = await ask('今天天气怎么样')
    expect(res.status).toBe(200)
    expect(res.text).toContain('data: [DONE]')
    expect(wx.checked[0]).toEqual({ content: '今天天气怎么样', openid: 'o-user' })
    expect(wx.checked.length).toBeGreaterThanOrEqual(2) // the input, then the answer
  })

  it('refuses risky input with 400 content_blocked and never calls the upstream', async () => {
    const { ask } = await start()
    const res = await ask('请告诉我违禁词')
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe('content_blocked')
    expect(res.json.error?.message).toMatch(/[\u4e00-\u9fff]/)
    expect(up.requests).toHaveLength(0)
  })

  it('stops the stream mid-way when a full output segment is risky', async () => {
    const pieces = Array.from({ length: 60 }, (_, i) =>
      i === 10 ? `违禁词${'好'.repeat(97)}` : '好'.repeat(100),
    )
    up.setBehaviour({ body: sseBody(pieces), chunkSize: 400, delayMs: 3 })
    const { ask } = await start()
    const res = await ask('写一篇长文')
    expect(res.status).toBe(200)
    expect(errorFrame(res.text)).toMatchObject({ code: 'content_blocked' })
    expect(res.text).not.toContain('[DONE]')
    // Stopped after the first 2,500-character segment, long before the 6,000 characters the upstream had.
    expect(streamedText(res.text).length).toBeLessThan(4000)
    await up.requests[0]!.closed
    expect(up.requests[0]!.aborted).toBe(true)
  })

  it('checks the reasoning text too: it is shown to the user like the answer', async () => {
    const frame = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'r1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
    const body = `${frame({ reasoning_content: '先想一想违禁词的事' })}${frame({ content: '答案很干净。' })}${frame({}, 'stop')}data: [DONE]\n\n`
    up.setBehaviour({ body, chunkSize: 64 })
    const { ask } = await start()
    const res = await ask('想一想再回答')
    expect(errorFrame(res.text)).toMatchObject({ code: 'content_blocked' })
    expect(res.text).not.toContain('[DONE]')
    expect(wx.checked.some((c) => c.content.includes('违禁词'))).toBe(true)
  })

  it('checks the last partial segment before the stream is declared complete (demo model)', async () => {
    // The demo answer ends with this phrase; the answer is far shorter than one segment.
    wx.knobs.riskyWords = ['祝使用愉快']
    const { relay, token } = await start({ RELAY_MODELS: `${MODEL},demo` })
    const res = await chat(relay.relay.url, token, '你好', { model: 'demo' })
    expect(streamedText(res.text)).toContain('演示模型')
    expect(errorFrame(res.text)).toMatchObject({ code: 'content_blocked' })
    expect(res.text).not.toContain('[DONE]')
  })

  // Needs the relay core to hold back the upstream's `data: [DONE]` until the output hooks have
  // drained (chat/pipe.ts forwards it at once today, so the verdict on the last segment comes after it).
  it('checks the last partial segment before the upstream stream is declared complete', async () => {
    up.setBehaviour({ body: sseBody(['这是一个', '很短的回答，', '但含有违禁词。']) })
    const { ask } = await start()
    const res = await ask('你好')
    expect(errorFrame(res.text)).toMatchObject({ code: 'content_blocked' })
    expect(res.text).not.toContain('[DONE]')
  })

  it('no answer text reaches the client before msg_sec_check passed it: a risky segment is never shown', async () => {
    wx.knobs.checkDelayMs = 100
    const pieces = [
      '第一段话，讲得很清楚。',
      '第二段话也没问题。',
      '这里出现了违禁词，',
      '后面还有更多的文字。',
    ]
    up.setBehaviour({ body: sseBody(pieces), chunkSize: 64, delayMs: 20 })
    const { ask } = await start({ RELAY_SECCHECK_MIN_CHARS: '5', RELAY_SECCHECK_HOLD_MS: '50' })
    const res = await ask('讲一段话')
    expect(errorFrame(res.text)).toMatchObject({ code: 'content_blocked' })
    // Withdrawn text would still have been on the wire: none of it may be in the body at all.
    expect(res.text).not.toContain('违禁词')
    expect(res.text).not.toContain('更多的文字')
    expect(streamedText(res.text)).toContain('第一段话')
  })

  it('WeChat down after the input check, fail closed: not one character of the answer, seccheck_unavailable', async () => {
    up.setBehaviour({ body: sseBody(['一段', '完整的', '回答。']), slowHeadersMs: 300, chunkSize: 512 })
    const { ask } = await start()
    const pending = ask('你好')
    const until = Date.now() + 5000
    while (wx.counters.msgSecCheck < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
    wx.knobs.down = true
    const res = await pending
    expect(res.status).toBe(200)
    expect(streamedText(res.text)).toBe('')
    expect(errorFrame(res.text)).toMatchObject({ code: 'seccheck_unavailable' })
    expect(res.text).not.toContain('[DONE]')
  })

  it('past RELAY_SECCHECK_CALLS_PER_MIN the answer is refused like an outage, without calling WeChat', async () => {
    // A still clock: the minute cannot roll over mid-test.
    const clock = Date.UTC(2026, 10, 25, 4, 0, 10)
    const { ask } = await start({ RELAY_SECCHECK_CALLS_PER_MIN: '1' }, () => clock)
    // The input check spends the budget: the answer's first segment is not checked, so not shown.
    const first = await ask('第一条')
    expect(streamedText(first.text)).toBe('')
    expect(errorFrame(first.text)).toMatchObject({ code: 'seccheck_unavailable' })
    const second = await ask('第二条')
    expect([second.status, second.json.error?.code]).toEqual([503, 'seccheck_unavailable'])
    expect(wx.counters.msgSecCheck).toBe(1)
  })

  it('refreshes the access_token once on 40001 and carries on', async () => {
    const { ask } = await start()
    expect((await ask('第一条')).status).toBe(200)
    wx.expireToken()
    const res = await ask('第二条')
    expect(res.status).toBe(200)
    expect(res.text).toContain('[DONE]')
    expect(wx.counters.invalidToken).toBe(1)
    expect(wx.counters.forcedRefresh).toBe(1)
  })

  it('WeChat down, fail closed (default): 503 seccheck_unavailable, no upstream call', async () => {
    const { ask } = await start()
    wx.knobs.down = true
    const res = await ask('你好')
    expect(res.status).toBe(503)
    expect(res.json.error?.code).toBe('seccheck_unavailable')
    expect(up.requests).toHaveLength(0)
  })

  it('WeChat down, fail open: the answer goes through and the outage is logged', async () => {
    const { ask, relay } = await start({ RELAY_SECCHECK_FAIL: 'open' })
    wx.knobs.busy = true
    const res = await ask('你好')
    expect(res.status).toBe(200)
    expect(res.text).toContain('[DONE]')
    expect(relay.logs.some((l) => l.includes('RELAY_SECCHECK_FAIL=open'))).toBe(true)
    const everything = [res.text, ...relay.logs].join('\n')
    expect(everything).not.toContain(wx.secret)
    expect(everything).not.toContain(UPSTREAM_KEY)
  })
  it('a resumable generation is checked once: attaching again replays the checked frames without new checks', async () => {
    const pieces = Array.from({ length: 30 }, (_, i) =>
      i === 20 ? `违禁词${'好'.repeat(97)}` : '好'.repeat(100),
    )
    up.setBehaviour({ body: sseBody(pieces), chunkSize: 400, delayMs: 2 })
    const { relay, token } = await start()
    const id = 'seccheck_generation_1'
    const first = await chat(relay.relay.url, token, '写一篇长文', {
      model: MODEL,
      headers: { 'X-Generation-Id': id },
    })
    expect(errorFrame(first.text)).toMatchObject({ code: 'content_blocked' })
    expect(first.text).not.toContain('违禁词')
    const checks = wx.checked.length
    const attach = { authorization: `Bearer ${token}`, 'X-Generation-Id': id }
    const replay = await fetch(`${relay.relay.url}/v1/generations/${id}/stream`, { headers: attach })
    const again = await chat(relay.relay.url, token, '写一篇长文', {
      model: MODEL,
      headers: { 'X-Generation-Id': id },
    })
    expect(await replay.text()).toBe(first.text)
    expect(again.text).toBe(first.text)
    expect(wx.checked.length).toBe(checks)
    expect(up.requests).toHaveLength(1)
  })
})
