import { createOutputGate } from '../../relay/src/chat/output-gate'
import { RelayError } from '../../relay/src/errors'
import { createMemoryQuotaStore } from '../../relay/src/limits'
import { createLogger } from '../../relay/src/log'
import { type BudgetLimits, createCallBudget } from '../../relay/src/wechat/call-budget'
import { createSecChecker, holdScale, SEGMENT_CHARS, segments } from '../../relay/src/wechat/seccheck'
import { createWechatApi } from '../../relay/src/wechat/wechat-api'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

describe('content security checker', () => {
  let wx: WechatEmulator
  let lines: string[]
  const checker = (fail: 'open' | 'closed', limits: BudgetLimits = { perMinute: 0, perDay: 0 }) => {
    const api = createWechatApi({
      base: wx.url,
      appid: wx.appid,
      secret: wx.secret,
      tokenless: false,
      timeoutMs: 2000,
    })
    const budget = createCallBudget(createMemoryQuotaStore(), limits, (l) => lines.push(l))
    return createSecChecker(
      api,
      fail,
      createLogger([wx.secret], (l) => lines.push(l)),
      budget,
      {
        minChars: 80,
        holdMs: 1000,
      },
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

  it('judges answer text with the output message, under the configured hold', async () => {
    const check = checker('closed').outputCheck('o-a')
    expect(check).toMatchObject({ maxChars: SEGMENT_CHARS, minChars: 80, holdMs: 1000 })
    await expect(check.check('一段干净的回答')).resolves.toBeUndefined()
    await expect(check.check('一段违禁的回答')).rejects.toMatchObject({
      code: 'content_blocked',
      message: '回答内容未通过安全检查，已停止生成',
    })
    expect(wx.checked.map((c) => c.openid)).toEqual(['o-a', 'o-a'])
  })

  it('finds a risky word that straddles a segment boundary (each call carries the text before it)', async () => {
    const failures: unknown[] = []
    const gate = createOutputGate(
      checker('closed').outputCheck('o-a'),
      () => undefined,
      (e) => failures.push(e),
    )
    gate.push(Buffer.from('a'), '好')
    gate.push(Buffer.from('b'), `${'好'.repeat(120)}违`)
    await gate.settled().catch(() => undefined)
    gate.push(Buffer.from('c'), '禁后面的话。')
    await expect(gate.settled()).rejects.toMatchObject({ code: 'content_blocked' })
    expect(failures).toHaveLength(1)
    expect(wx.checked.every((c) => c.content.length <= SEGMENT_CHARS)).toBe(true)
  })

  it('past the call budget: closed refuses without calling WeChat, open lets the text through and logs', async () => {
    const closed = checker('closed', { perMinute: 2, perDay: 0 }).outputCheck('o-a')
    await closed.check('一')
    await closed.check('二')
    await expect(closed.check('三')).rejects.toMatchObject({ status: 503, code: 'seccheck_unavailable' })
    expect(wx.counters.msgSecCheck).toBe(2)
    const open = checker('open', { perMinute: 0, perDay: 1 }).outputCheck('o-a')
    await open.check('一')
    await expect(open.check('违禁')).resolves.toBeUndefined()
    expect(wx.counters.msgSecCheck).toBe(3)
    expect(lines.some((l) => l.includes('call budget spent') && l.includes('RELAY_SECCHECK_FAIL=open'))).toBe(
      true,
    )
  })

  it('holds longer as the minute budget runs out', async () => {
    expect([0, 0.5, 0.75, 1, 2].map(holdScale)).toEqual([1, 1, 2.5, 4, 4])
    const check = checker('closed', { perMinute: 4, perDay: 0 }).outputCheck('o-a')
    expect(check.holdScale?.()).toBe(1)
    for (const text of ['一', '二', '三']) await check.check(text)
    expect(check.holdScale?.()).toBe(2.5)
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
