import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { chat, login, startWechatRelay, streamedText, type WechatRelay, wechatEnv } from './harness'

/** The environment the shipped Cloud Hosting config sets. */
const shipped = JSON.parse(readFileSync(join(__dirname, '../../relay/container.config.json'), 'utf8'))
  .envParams as Record<string, string>

describe('who the caller is', () => {
  let wx: WechatEmulator
  let relays: WechatRelay[]
  const start = async (extra: Record<string, string> = {}) => {
    const relay = await startWechatRelay(wechatEnv(wx, extra))
    relays.push(relay)
    return relay.relay.url
  }
  beforeEach(async () => {
    wx = await startWechatEmulator()
    relays = []
  })
  afterEach(async () => {
    for (const relay of relays) await relay.close()
    await wx.close()
  })

  it('the shipped container.config.json does not believe x-wx-openid: no session, no answer for a claimed openid', async () => {
    expect(shipped.RELAY_TRUST_WX_HEADERS ?? '0').toBe('0')
    const url = await start({ ...shipped, UPSTREAM_BASE_URL: '', RELAY_MODELS: 'demo' })
    const spoofed = { 'x-wx-openid': 'o_victim' }
    const session = await login(url, '', spoofed)
    expect(session.status).toBe(400)
    expect(session.json).not.toHaveProperty('token')
    const answer = await chat(url, null, '你好', { headers: spoofed })
    expect(answer.status).toBe(401)
    // A real wx.login session works on the same relay (the custom-domain path).
    const token = (await login(url, wx.issueCode('o-real'))).json.token as string
    expect(streamedText((await chat(url, token)).text)).toContain('演示模型')
  })

  it('openids never appear in log lines', async () => {
    const url = await start()
    const token = (await login(url, wx.issueCode('o-private-openid'))).json.token as string
    expect((await chat(url, token)).status).toBe(200)
    const logs = relays[0]!.logs.join('\n')
    expect(logs).toContain('"user":"wx#')
    expect(logs).not.toContain('o-private-openid')
  })
})

describe('POST /auth/wx-login', () => {
  let wx: WechatEmulator
  let relay: WechatRelay
  beforeEach(async () => {
    wx = await startWechatEmulator()
  })
  afterEach(async () => {
    await relay.close()
    await wx.close()
  })

  it('is rate limited per client address before WeChat is asked (RELAY_LOGIN_RATE_LIMIT, default 10 a minute)', async () => {
    relay = await startWechatRelay(wechatEnv(wx))
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) statuses.push((await login(relay.relay.url, `random-code-${i}`)).status)
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true)
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true)
    expect(wx.counters.jscode2session).toBe(10)
  })

  it('does not ask WeChat about something that cannot be a code', async () => {
    relay = await startWechatRelay(wechatEnv(wx))
    for (const code of ['x', 'a'.repeat(300), 'code with spaces', '../../etc']) {
      expect((await login(relay.relay.url, code)).status).toBe(400)
    }
    expect(wx.counters.jscode2session).toBe(0)
  })

  it('behind a trusted proxy, limits each forwarded client address on its own; a spoofed header gains nothing', async () => {
    relay = await startWechatRelay(
      wechatEnv(wx, { RELAY_TRUST_PROXY: 'loopback', RELAY_LOGIN_RATE_LIMIT: '2' }),
    )
    const from = (address: string) => ({ 'x-forwarded-for': address })
    const statuses = async (headers: Record<string, string>, n: number) => {
      const out: number[] = []
      for (let i = 0; i < n; i++)
        out.push((await login(relay.relay.url, `code-xxxxxxxx-${i}`, headers)).status)
      return out
    }
    expect(await statuses(from('203.0.113.7'), 3)).toEqual([401, 401, 429])
    expect(await statuses(from('203.0.113.8'), 1)).toEqual([401])
    // A client that writes its own X-Forwarded-For: the proxy appends the address it saw, and that one counts.
    expect(await statuses(from('198.51.100.1, 203.0.113.7'), 1)).toEqual([429])
  })

  it('without a trusted proxy, X-Forwarded-For is ignored', async () => {
    relay = await startWechatRelay(wechatEnv(wx, { RELAY_LOGIN_RATE_LIMIT: '2' }))
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const headers = { 'x-forwarded-for': `203.0.113.${i}` }
      statuses.push((await login(relay.relay.url, `code-xxxxxxxx-${i}`, headers)).status)
    }
    expect(statuses).toEqual([401, 401, 429])
  })
})
