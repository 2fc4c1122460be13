import {
  buildRequestMessages,
  CONTINUE_PROMPT,
  createConversation,
  OMISSION_MARK,
  reduceConversation,
} from '../../miniprogram/lib/chat'
import { conversationWith, stream } from './helpers'

const big = { maxMessages: 100, maxChars: 1_000_000 }

/** Sends `text` after the answered `history`: the request for the new answer. */
function pendingAfter(history: string[], text: string, answer?: (i: number) => string) {
  const conv = conversationWith(history, answer)
  return reduceConversation(conv, { type: 'send', text, userId: 'un', assistantId: 'an', now: 9_999 })
}

describe('buildRequestMessages', () => {
  test('system prompt, past pairs oldest first, then the new user message', () => {
    const ctx = buildRequestMessages(pendingAfter(['一', '二'], '三'), { ...big, systemPrompt: '你是助手' })
    expect(ctx.messages).toEqual([
      { role: 'system', content: '你是助手' },
      { role: 'user', content: '一' },
      { role: 'assistant', content: '回答0' },
      { role: 'user', content: '二' },
      { role: 'assistant', content: '回答1' },
      { role: 'user', content: '三' },
    ])
    expect(ctx).toMatchObject({ omittedMessages: 0, truncatedUserMessage: false, truncatedPartial: false })
  })

  test('a blank system prompt is not sent', () => {
    const ctx = buildRequestMessages(pendingAfter([], 'hi'), { ...big, systemPrompt: '  \n' })
    expect(ctx.messages).toEqual([{ role: 'user', content: 'hi' }])
  })

  test('maxMessages keeps the newest whole pairs', () => {
    const conv = pendingAfter(['1', '2', '3', '4'], '5')
    const ctx = buildRequestMessages(conv, { maxMessages: 4, maxChars: 1_000_000 })
    expect(ctx.messages.map((m) => m.content)).toEqual(['3', '回答2', '4', '回答3', '5'])
    expect(ctx.omittedMessages).toBe(4)
    // An odd limit never splits a pair.
    expect(
      buildRequestMessages(conv, { maxMessages: 3, maxChars: 1e6 }).messages.map((m) => m.content),
    ).toEqual(['4', '回答3', '5'])
    expect(buildRequestMessages(conv, { maxMessages: 0, maxChars: 1e6 }).messages).toEqual([
      { role: 'user', content: '5' },
    ])
  })

  test('maxChars drops the oldest pairs first', () => {
    const conv = pendingAfter(['aaaa', 'bbbb', 'cccc'], 'dd', () => 'xxxx')
    // system 2 + new 2 = 4; each pair 8; budget 20 → one pair fits (4 + 8 = 12, + 8 = 20 also fits), 3rd not.
    const ctx = buildRequestMessages(conv, { systemPrompt: 'sp', maxMessages: 100, maxChars: 20 })
    expect(ctx.messages.map((m) => m.content)).toEqual(['sp', 'bbbb', 'xxxx', 'cccc', 'xxxx', 'dd'])
    expect(ctx.omittedMessages).toBe(2)
    const total = ctx.messages.reduce((n, m) => n + m.content.length, 0)
    expect(total).toBeLessThanOrEqual(20)
  })

  test('failed exchanges are not sent as context', () => {
    let conv = conversationWith(['好问题'])
    conv = reduceConversation(conv, {
      type: 'send',
      text: '失败的',
      userId: 'uf',
      assistantId: 'af',
      now: 5000,
    })
    conv = stream(conv, 'af', [{ type: 'error', message: '网络', code: 'network' }])
    conv = reduceConversation(conv, {
      type: 'send',
      text: '新的',
      userId: 'un',
      assistantId: 'an',
      now: 6000,
    })
    const ctx = buildRequestMessages(conv, big)
    expect(ctx.messages.map((m) => m.content)).toEqual(['好问题', '回答0', '新的'])
  })

  test('a retried answer is requested for the same user message', () => {
    let conv = conversationWith(['问'])
    conv = reduceConversation(conv, { type: 'regenerate', assistantId: 'r', now: 5000 })
    expect(buildRequestMessages(conv, big).messages).toEqual([{ role: 'user', content: '问' }])
  })

  test('an over-long new message is shortened in the middle and flagged', () => {
    const text = `开头${'中'.repeat(5000)}结尾`
    const ctx = buildRequestMessages(pendingAfter(['a'], text), { maxMessages: 10, maxChars: 1000 })
    const sent = ctx.messages[ctx.messages.length - 1]!.content
    expect(ctx.truncatedUserMessage).toBe(true)
    expect(sent.startsWith('开头')).toBe(true)
    expect(sent.endsWith('结尾')).toBe(true)
    expect(sent).toContain(OMISSION_MARK)
    expect(sent.length).toBeLessThanOrEqual(1000)
    expect(ctx.omittedMessages).toBe(2)
  })

  test('continue sends the partial answer and the continue prompt', () => {
    let conv = reduceConversation(createConversation('c', 0), {
      type: 'send',
      text: '写诗',
      userId: 'u',
      assistantId: 'a',
      now: 0,
    })
    conv = stream(conv, 'a', [
      { type: 'delta', content: '床前明月光' },
      { type: 'error', message: 'x', code: 'interrupted' },
    ])
    conv = reduceConversation(conv, { type: 'continue', now: 10 })
    expect(buildRequestMessages(conv, big).messages).toEqual([
      { role: 'user', content: '写诗' },
      { role: 'assistant', content: '床前明月光' },
      { role: 'user', content: CONTINUE_PROMPT },
    ])
    const tight = buildRequestMessages(conv, { maxMessages: 10, maxChars: 2 + CONTINUE_PROMPT.length + 3 })
    expect(tight.truncatedPartial).toBe(true)
    expect(tight.messages[1]).toEqual({ role: 'assistant', content: '明月光' })
  })

  test('no user message → RangeError', () => {
    expect(() => buildRequestMessages(createConversation('c', 0), big)).toThrow('没有要发送的消息')
  })
})
