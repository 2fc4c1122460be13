import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import {
  chat,
  login,
  SESSION_SECRET,
  startWechatRelay,
  streamedText,
  type WechatRelay,
  wechatEnv,
} from './harness'

describe('relay: WeChat login and session tokens over real sockets', () => {
  let wx: WechatEmulator
  let relay: WechatRelay
  let clock = Date.now()

  beforeEach(async () => {
    wx = await startWechatEmulator()
    clock = Date.now()
    relay = await startWechatRelay(
      wechatEnv(wx, { RELAY_TOKENS: 'static-dev-token-123', RELAY_SESSION_TTL_S: '600' }),
      () => clock,
    )
  })
  afterEach(async () => {
    await relay.close()
    await wx.close()
  })

  it('logs in with a wx.login code and reuses the session for several requests', async () => {
    const res = await login(relay.relay.url, wx.issueCode('o-alice'))
    expect(res.status).toBe(200)
    // Only what the app needs: no openid, no session_key.
    expect(Object.keys(res.json).sort()).toEqual(['expiresAt', 'token'])
    expect(res.text).not.toContain('o-alice')
    expect(res.json.expiresAt).toBe(Math.floor(clock / 1000) * 1000 + 600_000)
    const token = res.json.token as string
    for (let i = 0; i < 2; i++) {
      const answer = await chat(relay.relay.url, token)
      expect(answer.status).toBe(200)
      expect(streamedText(answer.text)).toContain('演示模型')
    }
    expect(wx.counters.jscode2session).toBe(1)
    // Log lines name the user by a keyed hash, never by the openid.
    expect(relay.logs.some((l) => /"user":"wx#[0-9a-f]{16}"/.test(l))).toBe(true)
    expect(relay.logs.join('\n')).not.toContain('o-alice')
  })

  it('refuses an expired session with 401 token_expired', async () => {
    const token = (await login(relay.relay.url, wx.issueCode('o-bob'))).json.token as string
    clock += 601_000
    const res = await chat(relay.relay.url, token)
    expect(res.status).toBe(401)
    expect(res.json.error?.code).toBe('token_expired')
  })

  it('refuses forged and malformed sessions with 401', async () => {
    const token = (await login(relay.relay.url, wx.issueCode('o-carol'))).json.token as string
    const [prefix, payload, sig] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'o-someone-else' })).toString('base64url')
    for (const bad of [`${prefix}.${forged}.${sig}`, `${token}x`, 'wxs1.garbage', 'made-up-token']) {
      const res = await chat(relay.relay.url, bad)
      expect(res.status).toBe(401)
      expect(res.json.error?.type).toBe('authentication_error')
    }
    expect((await chat(relay.relay.url, null)).status).toBe(401)
  })

  it('keeps static RELAY_TOKENS working next to sessions', async () => {
    const res = await chat(relay.relay.url, 'static-dev-token-123')
    expect(res.status).toBe(200)
    expect(streamedText(res.text)).not.toBe('')
  })

  it('ignores x-wx-openid unless RELAY_TRUST_WX_HEADERS=1', async () => {
    const spoofed = await chat(relay.relay.url, null, '你好', { headers: { 'x-wx-openid': 'o-spoof' } })
    expect(spoofed.status).toBe(401)
    const trusting = await startWechatRelay(wechatEnv(wx, { RELAY_TRUST_WX_HEADERS: '1' }))
    try {
      const res = await chat(trusting.relay.url, null, '你好', { headers: { 'x-wx-openid': 'o-cloud' } })
      expect(res.status).toBe(200)
      // Behind Cloud Hosting the login route issues a session from the gateway's header, no code needed.
      const session = await login(trusting.relay.url, '', { 'x-wx-openid': 'o-cloud' })
      expect(session.status).toBe(200)
      expect(wx.counters.jscode2session).toBe(0)
      // No RELAY_TOKENS here: a made-up bearer must still not turn this into an open relay.
      expect((await chat(trusting.relay.url, 'made-up-token')).status).toBe(401)
      expect((await chat(trusting.relay.url, null)).status).toBe(401)
    } finally {
      await trusting.close()
    }
  })

  it('maps login failures to clear errors: used code, WeChat rate limit, WeChat down', async () => {
    const code = wx.issueCode('o-dave')
    expect((await login(relay.relay.url, code)).status).toBe(200)
    const reused = await login(relay.relay.url, code)
    expect([reused.status, reused.json.error?.code]).toEqual([401, 'invalid_code'])
    wx.knobs.rateLimitLogin = true
    const limited = await login(relay.relay.url, wx.issueCode('o-dave'))
    expect([limited.status, limited.json.error?.code]).toEqual([429, 'rate_limited'])
    expect(limited.headers.get('retry-after')).toBe('60')
    wx.knobs.rateLimitLogin = false
    wx.knobs.down = true
    const down = await login(relay.relay.url, wx.issueCode('o-dave'))
    expect([down.status, down.json.error?.code]).toEqual([503, 'wechat_unavailable'])
    const empty = await login(relay.relay.url, '')
    expect([empty.status, empty.json.error?.code]).toEqual([400, 'invalid_request'])
  })

  it('never reveals WX_SECRET or the session secret in responses or logs', async () => {
    wx.knobs.down = true
    const bodies = [(await login(relay.relay.url, wx.issueCode('o-eve'))).text]
    wx.knobs.down = false
    bodies.push((await login(relay.relay.url, 'bad-code')).text)
    const token = (await login(relay.relay.url, wx.issueCode('o-eve'))).json.token as string
    bodies.push((await chat(relay.relay.url, token)).text)
    const everything = [...bodies, ...relay.logs].join('\n')
    expect(everything).not.toContain(wx.secret)
    expect(everything).not.toContain(SESSION_SECRET)
    // Session tokens are credentials too: they never show up in log lines.
    expect(relay.logs.join('\n')).not.toContain(token.split('.')[2]!)
  })
})
