import { RelayError } from '../../relay/src/errors'
import { createLogger } from '../../relay/src/log'
import { createSecChecker, SEGMENT_CHARS, segments } from '../../relay/src/wechat/seccheck'
import { createWechatApi } from '../../relay/src/wechat/wechat-api'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

describe('content security checker', () => {
  let wx: WechatEmulator
  let lines: string[]
  const checker = (fail: 'open' | 'closed') => {
    const api = createWechatApi({
      base: wx.url,
      appid: wx.appid,
      secret: wx.secret,
      tokenless: false,
      timeoutMs: 2000,
    })
    return createSecChecker(
      api,
      fail,
      createLogger([wx.secret], (l) => lines.push(l)),
    )
  }

  beforeEach(async () => {
    wx = await startWechatEmulator()
    wx.knobs.riskyWords = ['违禁']
    lines = []
  })
  afterEach(() => wx.close())

  it('splits text into ≤2,500-char pieces without breaking surrogate pairs', () => {
    const text = `${'a'.repeat(SEGMENT_CHARS - 1)}😀${'b'.repeat(10)}`
    const parts = segments(text)
    expect(parts.every((p) => p.length <= SEGMENT_CHARS)).toBe(true)
    expect(parts.join('')).toBe(text)
    expect(parts[1]!.startsWith('😀')).toBe(true)
  })

  it('blocks risky input with content_blocked and passes the rest', async () => {
    const sec = checker('closed')
    await expect(sec.checkInput('o-a', '你好')).resolves.toBeUndefined()
    await expect(sec.checkInput('o-a', '一些违禁内容')).rejects.toMatchObject({
      status: 400,
      code: 'content_blocked',
    })
  })

  it('checks output when each segment fills and the rest at the end, overlapping the boundary', async () => {
    const guard = checker('closed').outputGuard('o-a')
    const piece = '好'.repeat(100)
    for (let i = 0; i < 30; i++) await guard.push(piece) // 3,000 chars: one full segment
    expect(wx.checked).toHaveLength(1)
    expect(wx.checked[0]!.content).toHaveLength(SEGMENT_CHARS)
    await guard.finish()
    expect(wx.checked).toHaveLength(2)
    expect(wx.checked.every((c) => c.content.length <= SEGMENT_CHARS)).toBe(true)
    // The tail repeats the end of the first segment so nothing split by the boundary escapes.
    expect(wx.checked[1]!.content.length).toBe(3000 - SEGMENT_CHARS + 100)
  })

  it('finds a risky word that straddles a segment boundary', async () => {
    const guard = checker('closed').outputGuard('o-a')
    await guard.push('好'.repeat(SEGMENT_CHARS - 1))
    const pushed = guard.push('违禁后面')
    await expect(pushed.then(() => guard.finish())).rejects.toMatchObject({ code: 'content_blocked' })
  })

  it('fail closed: WeChat down → 503 seccheck_unavailable; fail open: passes and logs', async () => {
    wx.knobs.down = true
    const closed = checker('closed')
    const error = await closed.checkInput('o-a', '你好').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RelayError)
    expect(error).toMatchObject({ status: 503, code: 'seccheck_unavailable' })
    await expect(checker('open').checkInput('o-a', '违禁')).resolves.toBeUndefined()
    expect(lines.some((l) => l.includes('RELAY_SECCHECK_FAIL=open'))).toBe(true)
    expect(lines.join('\n')).not.toContain(wx.secret)
  })
})
