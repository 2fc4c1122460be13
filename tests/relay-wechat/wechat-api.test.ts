import { createWechatApi, type WechatApi, WechatApiError } from '../../relay/src/wechat/wechat-api'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

async function failureOf(run: () => Promise<unknown>): Promise<WechatApiError> {
  try {
    await run()
  } catch (error) {
    expect(error).toBeInstanceOf(WechatApiError)
    return error as WechatApiError
  }
  throw new Error('expected a WechatApiError')
}

describe('WeChat API client against the emulator', () => {
  let wx: WechatEmulator
  let api: WechatApi
  let clock = Date.now()

  beforeEach(async () => {
    wx = await startWechatEmulator()
    clock = Date.now()
    api = createWechatApi({
      base: wx.url,
      appid: wx.appid,
      secret: wx.secret,
      tokenless: false,
      timeoutMs: 2000,
      now: () => clock,
    })
  })
  afterEach(() => wx.close())

  it('exchanges a login code once; a reused code is invalid (40029)', async () => {
    const code = wx.issueCode('o-alice')
    await expect(api.code2Session(code)).resolves.toEqual({ openid: 'o-alice' })
    const error = await failureOf(() => api.code2Session(code))
    expect(error.kind).toBe('invalid_code')
    expect(error.errcode).toBe(40029)
  })

  it('maps 45011 to rate_limited and -1 to busy, and a down server to unavailable', async () => {
    wx.knobs.rateLimitLogin = true
    expect((await failureOf(() => api.code2Session(wx.issueCode('o')))).kind).toBe('rate_limited')
    wx.knobs.rateLimitLogin = false
    wx.knobs.busy = true
    expect((await failureOf(() => api.code2Session(wx.issueCode('o')))).kind).toBe('busy')
    wx.knobs.busy = false
    wx.knobs.down = true
    expect((await failureOf(() => api.msgSecCheck('你好', 'o'))).kind).toBe('unavailable')
  })

  it('never puts the AppSecret into an error message', async () => {
    const wrong = createWechatApi({
      base: wx.url,
      appid: wx.appid,
      secret: 'wrong-secret',
      tokenless: false,
      timeoutMs: 2000,
    })
    const error = await failureOf(() => wrong.code2Session('x'))
    expect(error.kind).toBe('rejected')
    expect(error.message).not.toContain('wrong-secret')
    await wx.close()
    const offline = await failureOf(() => api.code2Session('x'))
    expect(offline.message).not.toContain(wx.secret)
    wx = await startWechatEmulator()
  })

  it('caches the stable access_token and refreshes it before expiry', async () => {
    wx.knobs.tokenTtlS = 7200
    await expect(api.msgSecCheck('你好', 'o-a')).resolves.toBe('pass')
    await expect(api.msgSecCheck('再见', 'o-a')).resolves.toBe('pass')
    expect(wx.counters.stableToken).toBe(1)
    clock += 7200_000 - 4 * 60_000 // inside the 5-minute refresh margin
    await api.msgSecCheck('还在吗', 'o-a')
    expect(wx.counters.stableToken).toBe(2)
    expect(wx.counters.invalidToken).toBe(0)
  })

  it('refreshes once (force_refresh) and retries when WeChat says 40001', async () => {
    await api.msgSecCheck('你好', 'o-a')
    wx.expireToken()
    await expect(api.msgSecCheck('你好', 'o-a')).resolves.toBe('pass')
    expect(wx.counters.invalidToken).toBe(1)
    expect(wx.counters.forcedRefresh).toBe(1)
    expect(wx.counters.msgSecCheck).toBe(3)
  })

  it('reports pass / review / risky from result.suggest', async () => {
    wx.knobs.riskyWords = ['违禁词']
    wx.knobs.reviewWords = ['待审']
    await expect(api.msgSecCheck('普通内容', 'o-a')).resolves.toBe('pass')
    await expect(api.msgSecCheck('这是待审内容', 'o-a')).resolves.toBe('review')
    await expect(api.msgSecCheck('含有违禁词的内容', 'o-a')).resolves.toBe('risky')
    expect(wx.checked.map((c) => c.openid)).toEqual(['o-a', 'o-a', 'o-a'])
  })

  it('sends no access_token in Cloud Hosting open-API mode', async () => {
    const cloud = await startWechatEmulator({ tokenless: true })
    try {
      const tokenless = createWechatApi({
        base: cloud.url,
        appid: '',
        secret: '',
        tokenless: true,
        timeoutMs: 2000,
      })
      await expect(tokenless.msgSecCheck('你好', 'o-a')).resolves.toBe('pass')
      expect(cloud.counters.stableToken).toBe(0)
    } finally {
      await cloud.close()
    }
  })
})
