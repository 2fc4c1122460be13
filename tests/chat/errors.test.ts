import {
  errorMessage,
  GENERIC_MESSAGE,
  hidesAnswer,
  isInterruption,
  isKnownCode,
  isStop,
  localizeError,
} from '../../miniprogram/lib/errors/index'

describe('the one table of error codes', () => {
  test('every known code reads in Chinese', () => {
    for (const code of [
      'network',
      'interrupted',
      'content_blocked',
      'upstream_timeout',
      'cancelled',
    ] as const) {
      expect(errorMessage(code)).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  test('classifies what an error does to the answer', () => {
    expect(isInterruption('idle_timeout')).toBe(true)
    expect(isInterruption('quota_exceeded')).toBe(false)
    expect(hidesAnswer('content_blocked')).toBe(true)
    expect(hidesAnswer('seccheck_unavailable')).toBe(true)
    expect(hidesAnswer('network')).toBe(false)
    expect(isStop('aborted')).toBe(true)
    expect(isStop('cancelled')).toBe(true)
  })

  test("a provider's code that happens to be an Object property is not known", () => {
    expect(isKnownCode('toString')).toBe(false)
    expect(isKnownCode('__proto__')).toBe(false)
    expect(isInterruption('constructor')).toBe(false)
  })

  test('localizeError keeps Chinese text, replaces English by the code or the generic text', () => {
    expect(localizeError({ type: 'error', message: '模型不存在', code: 'model_not_found' }).message).toBe(
      '模型不存在',
    )
    expect(
      localizeError({ type: 'error', message: 'Rate limit reached', code: 'rate_limited', status: 429 }),
    ).toEqual({
      type: 'error',
      message: '请求太频繁，请稍后再试',
      code: 'rate_limited',
      status: 429,
    })
    expect(localizeError({ type: 'error', message: 'boom' }).message).toBe(GENERIC_MESSAGE)
  })
})
