import {
  type Conversation,
  fitConversation,
  planStorage,
  STORAGE_KEY_LIMIT_BYTES,
  storedSize,
  utf8ByteLength,
} from '../../miniprogram/lib/chat'
import { conversationWith } from './helpers'

describe('utf8ByteLength / storedSize', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['中文', 6],
    ['😊', 4],
    ['a😊中', 8],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes)
    expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'))
  })

  test('storedSize is the JSON size in UTF-8', () => {
    const value = { a: '中文', b: [1, 2] }
    expect(storedSize(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'))
  })
})

describe('fitConversation', () => {
  test('a conversation that fits is returned as is', () => {
    const conv = conversationWith(['a', 'b'])
    const fitted = fitConversation(conv)
    expect(fitted).toEqual({
      conversation: conv,
      droppedMessages: 0,
      truncated: false,
      bytes: storedSize(conv),
    })
  })

  test('drops the oldest whole pairs until it fits, never leaving an answer first', () => {
    const conv = conversationWith(
      Array.from({ length: 10 }, (_, i) => `问题${i}`),
      () => '答'.repeat(300),
    )
    const max = Math.floor(storedSize(conv) / 2)
    const fitted = fitConversation(conv, max)
    expect(fitted.bytes).toBeLessThanOrEqual(max)
    expect(fitted.bytes).toBe(storedSize(fitted.conversation))
    expect(fitted.truncated).toBe(false)
    expect(fitted.droppedMessages % 2).toBe(0)
    expect(fitted.conversation.messages[0]!.role).toBe('user')
    expect(fitted.conversation.messages).toEqual(conv.messages.slice(fitted.droppedMessages))
    // As much as possible was kept: one more pair would not fit.
    const withOneMore: Conversation = { ...conv, messages: conv.messages.slice(fitted.droppedMessages - 2) }
    expect(storedSize(withOneMore)).toBeGreaterThan(max)
  })

  test('a single huge answer is cut so the key stays under the 1 MB limit', () => {
    const conv = conversationWith(['写长文'], () => '长'.repeat(600_000))
    expect(storedSize(conv)).toBeGreaterThan(STORAGE_KEY_LIMIT_BYTES)
    const fitted = fitConversation(conv)
    expect(fitted.truncated).toBe(true)
    expect(fitted.bytes).toBeLessThanOrEqual(STORAGE_KEY_LIMIT_BYTES * 0.9)
    expect(fitted.conversation.messages).toHaveLength(2)
    expect(fitted.conversation.messages[1]!.content).toMatch(/已截断）$/)
  })
})

describe('planStorage', () => {
  const entries = [
    { id: 'new', updatedAt: 300, bytes: 400 },
    { id: 'old', updatedAt: 100, bytes: 400 },
    { id: 'mid', updatedAt: 200, bytes: 400 },
  ]

  test('nothing to evict under the budget', () => {
    expect(planStorage(entries, { maxTotalBytes: 1200 })).toEqual({
      evict: [],
      totalBytes: 1200,
      overBudget: false,
    })
  })

  test('evicts oldest first, only as many as needed, counting other bytes', () => {
    expect(planStorage(entries, { maxTotalBytes: 800, otherBytes: 100 })).toEqual({
      evict: ['old', 'mid'],
      totalBytes: 500,
      overBudget: false,
    })
  })

  test('never evicts kept ids; reports over budget when only they are left', () => {
    expect(planStorage(entries, { maxTotalBytes: 300, keep: ['old'] })).toEqual({
      evict: ['mid', 'new'],
      totalBytes: 400,
      overBudget: true,
    })
  })

  test('default budget is 90% of 10 MB', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, updatedAt: i, bytes: 800_000 }))
    const plan = planStorage(many)
    expect(plan.evict).toEqual(['c0'])
    expect(plan.totalBytes).toBeLessThanOrEqual(10 * 1024 * 1024 * 0.9)
  })
})
