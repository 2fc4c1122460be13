import {
  createConversation,
  DEFAULT_TITLE,
  formatRelativeTime,
  type Message,
  normalizeTitle,
  plainPreview,
  reasoningLabel,
  reduceConversation,
  sortNewestFirst,
  summarizeConversation,
  titleFromText,
  truncateChars,
} from '../../miniprogram/lib/chat'
import { BLOCKED_NOTICE } from '../../miniprogram/lib/errors/index'
import { conversationWith, stream } from './helpers'

describe('titles', () => {
  test('from the first user message: markdown markers dropped, whitespace collapsed, ~20 characters', () => {
    expect(titleFromText('# 标题\n\n  正文')).toBe('标题 正文')
    expect(titleFromText('```js\ncode\n```')).toBe('code')
    expect(titleFromText('   ')).toBe(DEFAULT_TITLE)
    const long = titleFromText('一二三四五六七八九十一二三四五六七八九十多出来')
    expect(Array.from(long)).toHaveLength(20)
    expect(long.endsWith('…')).toBe(true)
  })

  test('truncateChars never splits an emoji', () => {
    expect(truncateChars('😊😊😊😊', 3)).toBe('😊😊…')
    expect(truncateChars('短', 3)).toBe('短')
  })

  test('normalizeTitle trims, collapses and caps at 40 characters', () => {
    expect(normalizeTitle(' a \n b ')).toBe('a b')
    expect(Array.from(normalizeTitle('字'.repeat(50)))).toHaveLength(40)
    expect(() => normalizeTitle('')).toThrow(RangeError)
  })
})

describe('conversation list', () => {
  test('summary with preview of the latest message, markdown stripped', () => {
    const conv = conversationWith(['问'], () => '## 结果\n\n**加粗** 和 `代码` 以及 [链接](https://x.cn)')
    expect(summarizeConversation(conv)).toEqual({
      id: 'c1',
      title: '问',
      updatedAt: conv.updatedAt,
      preview: '结果 加粗 和 代码 以及 链接',
      messageCount: 2,
    })
  })

  test('preview skips an empty placeholder and shows the blocked notice', () => {
    let conv = reduceConversation(createConversation('c', 0), {
      type: 'send',
      text: '你好',
      userId: 'u',
      assistantId: 'a',
      now: 1,
    })
    expect(summarizeConversation(conv).preview).toBe('你好')
    conv = stream(conv, 'a', [{ type: 'error', message: 'x', code: 'content_blocked' }])
    expect(summarizeConversation(conv).preview).toBe(BLOCKED_NOTICE)
  })

  test('plainPreview caps the length', () => {
    expect(Array.from(plainPreview('字'.repeat(100)))).toHaveLength(40)
  })

  test('sortNewestFirst by updatedAt then id, without mutating', () => {
    const items = [
      { id: 'b', updatedAt: 1 },
      { id: 'a', updatedAt: 1 },
      { id: 'c', updatedAt: 5 },
    ]
    expect(sortNewestFirst(items).map((i) => i.id)).toEqual(['c', 'a', 'b'])
    expect(items[0]!.id).toBe('b')
  })
})

describe('formatRelativeTime (China, UTC+8)', () => {
  // 2026-11-25 14:30 in China = 06:30 UTC.
  const now = Date.UTC(2026, 10, 25, 6, 30)
  const at = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h - 8, mi)
  test.each([
    [now - 10_000, '刚刚'],
    [now + 30_000, '刚刚'],
    [now - 5 * 60_000, '5 分钟前'],
    [now - 59 * 60_000, '59 分钟前'],
    [at(2026, 11, 25, 0, 5), '00:05'],
    [at(2026, 11, 24, 23, 59), '昨天 23:59'],
    [at(2026, 11, 24, 0, 0), '昨天 00:00'],
    [at(2026, 11, 23, 23, 59), '11月23日'],
    [at(2026, 1, 1, 8, 0), '1月1日'],
    [at(2025, 12, 31, 22, 0), '2025年12月31日'],
  ])('%p → %s', (time, expected) => {
    expect(formatRelativeTime(time, now, 480)).toBe(expected)
  })

  test('the day boundary follows the given offset, not UTC', () => {
    // 07:30 China time on the 25th is 23:30 UTC on the 24th: still "today" in China.
    const early = Date.UTC(2026, 10, 24, 23, 30)
    expect(formatRelativeTime(early, now, 480)).toBe('07:30')
    expect(formatRelativeTime(early, now, 0)).toBe('昨天 23:30')
  })
})

describe('reasoningLabel', () => {
  const base: Message = { id: 'a', role: 'assistant', content: '', status: 'streaming', createdAt: 0 }
  test.each<[Partial<Message>, string]>([
    [{}, ''],
    [{ reasoning: '想', reasoningStartedAt: 0 }, '思考中…'],
    [{ reasoning: '想', reasoningStartedAt: 0, reasoningMs: 12_400 }, '已深度思考（用时 12 秒）'],
    [{ reasoning: '想', reasoningStartedAt: 0, reasoningMs: 200 }, '已深度思考（用时 1 秒）'],
    [{ reasoning: '想', status: 'done' }, '已深度思考'],
  ])('%p → %s', (patch, label) => {
    expect(reasoningLabel({ ...base, ...patch })).toBe(label)
  })
})
