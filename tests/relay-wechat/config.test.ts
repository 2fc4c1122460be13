import { loadWechatConfig, loginEnabled } from '../../relay/src/wechat/config'

const SECRET = 'a-session-secret-of-length-32-xx'

/** A login and content-security configuration, for tests that vary one more setting. */
function checkedEnv(): Record<string, string> {
  return { WX_APPID: 'wxapp', WX_SECRET: 'wxsecret', RELAY_SESSION_SECRET: SECRET, RELAY_SECCHECK: '1' }
}

describe('loadWechatConfig', () => {
  it('is null when no WeChat feature is configured, so the relay runs unchanged', () => {
    expect(loadWechatConfig({ RELAY_TOKENS: 'x' })).toBeNull()
  })

  it('reads login, seccheck and quota settings with their defaults', () => {
    const config = loadWechatConfig({
      WX_APPID: 'wxapp',
      WX_SECRET: 'wxsecret',
      RELAY_SESSION_SECRET: SECRET,
      RELAY_SECCHECK: '1',
      RELAY_QUOTA_RPM: '20',
      RELAY_TOKENS: 'a, b',
    })
    expect(config).toMatchObject({
      apiBase: 'https://api.weixin.qq.com',
      sessionTtlS: 604_800,
      seccheck: true,
      seccheckFail: 'closed',
      quota: { requestsPerMinute: 20, completionTokensPerDay: 0 },
      staticTokens: ['a', 'b'],
      trustWxHeaders: false,
      pushToken: '',
      mediaCheckTimeoutMs: 10_000,
    })
    expect(loginEnabled(config!)).toBe(true)
  })

  it('refuses an EncodingAESKey that is not 43 base64 characters', () => {
    const env = checkedEnv()
    expect(() => loadWechatConfig({ ...env, WX_PUSH_AES_KEY: 'short' })).toThrow(/WX_PUSH_AES_KEY/)
    expect(loadWechatConfig({ ...env, WX_PUSH_AES_KEY: 'a'.repeat(43) })?.pushAesKey).toBe('a'.repeat(43))
  })

  it('refuses a media check wait longer than a recording stays fetchable', () => {
    const env = checkedEnv()
    expect(() => loadWechatConfig({ ...env, RELAY_MEDIA_CHECK_TIMEOUT_MS: '120000' })).toThrow(
      /RELAY_MEDIA_CHECK_TIMEOUT_MS/,
    )
    expect(loadWechatConfig({ ...env, RELAY_MEDIA_CHECK_TIMEOUT_MS: '90000' })?.mediaCheckTimeoutMs).toBe(
      90_000,
    )
  })

  it('uses the internal plain-HTTP API base in Cloud Hosting open-API mode', () => {
    const config = loadWechatConfig({ WX_CLOUD_OPENAPI: '1', RELAY_SECCHECK: '1' })
    expect(config).toMatchObject({ apiBase: 'http://api.weixin.qq.com', tokenless: true })
  })

  it.each([
    [{ WX_APPID: 'wxapp', RELAY_SESSION_SECRET: SECRET }, /WX_SECRET/],
    [{ WX_APPID: 'wxapp', WX_SECRET: 's' }, /RELAY_SESSION_SECRET/],
    [{ WX_APPID: 'wxapp', WX_SECRET: 's', RELAY_SESSION_SECRET: 'short' }, /RELAY_SESSION_SECRET/],
    [{ RELAY_SECCHECK: '1' }, /RELAY_SECCHECK=1 needs/],
    [{ RELAY_QUOTA_RPM: 'many' }, /RELAY_QUOTA_RPM/],
    [{ RELAY_SECCHECK: '1', WX_CLOUD_OPENAPI: '1', RELAY_SECCHECK_FAIL: 'maybe' }, /RELAY_SECCHECK_FAIL/],
  ])('refuses a half-configured feature: %j', (env, message) => {
    expect(() => loadWechatConfig(env)).toThrow(message)
  })
})
