import fc from 'fast-check'
import { createIncrementalMarkdown, parseMarkdown } from '../../miniprogram/lib/markdown'
import { sameTree } from '../../miniprogram/lib/markdown/equal'
import type { Block } from '../../miniprogram/lib/markdown/types'
import { makeAnswer, tokenize } from './corpus'

/** Pieces that build (and half-build) every construct, including awkward boundaries. */
const PIECES = [
  '\n',
  '\n\n',
  '  ',
  '# ',
  '## ',
  '- ',
  '* ',
  '1. ',
  '2) ',
  '   ',
  '> ',
  '```',
  '```js\n',
  '~~~',
  '---',
  '| a | b |',
  '|---|:--:|',
  '|',
  '- [ ] ',
  '[x] ',
  '**',
  '*',
  '_',
  '~~',
  '`',
  '[链接](',
  'https://a.cn/x',
  ')',
  ']',
  '\\',
  '中文段落',
  '😀',
  'word',
  '/* c */',
  '"s"',
  '#',
  '-',
  '+ ',
  'x',
]

/** Indexes whose block is a new object since the previous update (what a view has to resend). */
function changedIndexes(prev: readonly Block[], next: readonly Block[]): number[] {
  return next.flatMap((block, i) => (block === prev[i] ? [] : [i]))
}

/**
 * Feeds `chunks` to a fresh renderer and checks every update: the blocks equal
 * a one-shot parse of the prefix, and a block whose content did not change keeps
 * its identity (so a view that diffs by identity resends only what changed).
 */
function checkStream(chunks: string[]): void {
  const inc = createIncrementalMarkdown()
  let text = ''
  let prev: Block[] = []
  for (const chunk of chunks) {
    text += chunk
    const r = inc.update(text)
    const expected = parseMarkdown(text)
    // JSON first: jest's deep equality is slow in these loops; it runs only to report a difference.
    if (JSON.stringify(r.blocks) !== JSON.stringify(expected)) expect(r.blocks).toEqual(expected)
    const changed = changedIndexes(prev, r.blocks)
    for (const i of changed) {
      const old = prev[i]
      if (old !== undefined && sameTree(old, r.blocks[i]!)) {
        throw new Error(`block ${i} after ${JSON.stringify(text)}: same content, new object`)
      }
    }
    // Only the tail changes: the block being typed, and the one it may have just closed.
    for (const i of changed) if (i < prev.length - 2) throw new Error(`block ${i} changed deep inside`)
    prev = r.blocks
  }
}

function chunked(text: string, sizes: readonly number[]): string[] {
  const out: string[] = []
  let at = 0
  for (let k = 0; at < text.length; k++) {
    const n = 1 + (sizes.length ? sizes[k % sizes.length]! : 3)
    out.push(text.slice(at, at + n))
    at += n
  }
  return out
}

describe('incremental markdown', () => {
  test('property: any growing prefixes of constructed markdown render like a one-shot parse', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 50 }),
        // Half the runs go one char at a time: then every prefix is checked.
        fc.oneof(fc.constant([0]), fc.array(fc.nat(8), { maxLength: 12 })),
        (pieces, sizes) => checkStream(chunked(pieces.join(''), sizes)),
      ),
      { numRuns: 1000 },
    )
  })

  test('property: realistic answers in random token sizes (Chinese, code, tables, lists)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.nat(12), { maxLength: 8 }),
        (seed, sizes) => {
          checkStream(chunked(makeAnswer(1500, seed), sizes))
        },
      ),
      { numRuns: 20 },
    )
  })

  test('tricky documents, one character at a time', () => {
    const docs = [
      '- word\n---\n',
      '- a\n lazy\n> q\n lazy too\n',
      'crlf\r\nline\r\n\r\n- item\r\n```\r\ncode\r\n```\r\n',
      '- a\n- b\n--\n',
      '> q\n>> r\nlazy\n> - i\nx',
      '1. a\n   1. b\n      ```\n      c\n   d\n',
      'p\n| a | b |\n|-|-|\n| 1 | 2 |\n\n- [ ] t\n- [x] u\n',
      '# h **b\n`c\n**d** ~~e~~ [l](http://x.y/z) http://u.v/w.\n',
      '```js\n/* a\nb */ `t\n$ {x}` // c\n```\n',
    ]
    for (const doc of docs) checkStream(doc.split(''))
  })

  test('one character at a time through a 2 KB answer', () => {
    checkStream(makeAnswer(2000, 3).split(''))
  })

  test('finished blocks keep their identity until the end of the stream', () => {
    const text = makeAnswer(4000, 5)
    const inc = createIncrementalMarkdown()
    let seen: Block[] = []
    let prefix = ''
    for (const token of tokenize(text, 5)) {
      prefix += token
      const { blocks } = inc.update(prefix)
      // Everything before the last two blocks is final: it must be the very object seen before.
      for (let i = 0; i < Math.min(seen.length, blocks.length) - 2; i++) expect(blocks[i]).toBe(seen[i])
      seen = blocks
    }
    expect(seen.length).toBeGreaterThan(10)
  })

  test('returned trees are never mutated afterwards (views may keep them without copying)', () => {
    const text = makeAnswer(3000, 11)
    const inc = createIncrementalMarkdown()
    const kept: Array<{ blocks: Block[]; json: string }> = []
    let prefix = ''
    for (const token of tokenize(text, 11)) {
      prefix += token
      const { blocks } = inc.update(prefix)
      if (kept.length < 400) kept.push({ blocks, json: JSON.stringify(blocks) })
    }
    for (const k of kept) expect(JSON.stringify(k.blocks)).toBe(k.json)
  })

  test('an update renews the last block, or the last two when a block closes and another starts', () => {
    const inc = createIncrementalMarkdown()
    let prev: Block[] = []
    const step = (text: string): number[] => {
      const { blocks } = inc.update(text)
      const changed = changedIndexes(prev, blocks)
      prev = blocks
      return changed
    }
    expect(step('# 标')).toEqual([0])
    expect(step('# 标题')).toEqual([0])
    expect(step('# 标题\n')).toEqual([])
    expect(step('# 标题\n正文 **粗')).toEqual([1])
    expect(step('# 标题\n正文 **粗**体\n\n- 项')).toEqual([1, 2])
    expect(prev).toHaveLength(3)
  })

  test('half-written constructs while streaming', () => {
    const inc = createIncrementalMarkdown()
    expect(inc.update('这是 **粗').blocks).toEqual([
      { type: 'paragraph', spans: [{ text: '这是 ' }, { text: '粗', bold: true }] },
    ])
    // An unclosed fence is an open code block; the closing fence closes it.
    expect(inc.update('这是 **粗**\n\n```py\nx = 1').blocks[1]).toMatchObject({
      type: 'code',
      lang: 'python',
      open: true,
    })
    expect(inc.update('这是 **粗**\n\n```py\nx = 1\n``').blocks[1]).toMatchObject({ open: true })
    expect(inc.update('这是 **粗**\n\n```py\nx = 1\n```').blocks[1]).toMatchObject({ open: false })
  })

  test('a table is a paragraph until its delimiter row completes, then grows row by row', () => {
    const inc = createIncrementalMarkdown()
    const head = '| 名称 | 值 |\n'
    expect(inc.update(`${head}|---|-`).blocks[0]!.type).toBe('table')
    expect(inc.update(`${head}|---|-x`).blocks[0]!.type).toBe('paragraph')
    expect(inc.update(`${head}|--`).blocks[0]!.type).toBe('paragraph')
    const steps = [`${head}|---|---|`, `${head}|---|---|\n| a`, `${head}|---|---|\n| a | 1 |\n| b`]
    inc.reset()
    const rows = steps.map((s) => {
      const b = inc.update(s).blocks[0]!
      return b.type === 'table' ? b.rows.map((r) => r.map((c) => c.map((x) => x.text).join(''))) : null
    })
    expect(rows).toEqual([
      [],
      [['a', '']],
      [
        ['a', '1'],
        ['b', ''],
      ],
    ])
  })

  test('a list or quote stays open over blank lines until a non-continuation block starts', () => {
    const inc = createIncrementalMarkdown()
    const first = inc.update('- 一\n\n').blocks
    const second = inc.update('- 一\n\n  继续').blocks
    expect(changedIndexes(first, second)).toEqual([0])
    const r = inc.update('- 一\n\n  继续\n\n新段落')
    expect(r.blocks).toHaveLength(2)
    expect(changedIndexes(second, r.blocks)).toEqual([1])
  })

  test('a text that does not extend the previous one resets the parser', () => {
    const inc = createIncrementalMarkdown()
    const old = inc.update('# 旧标题\n\n旧的段落内容\n').blocks
    const r = inc.update('新的')
    expect(r.blocks).toEqual(parseMarkdown('新的'))
    expect(changedIndexes(old, r.blocks)).toEqual([0])
    expect(r.blocks).toHaveLength(1)
    // After a replacement, blocks equal to the previous ones keep their identity.
    const a = inc.update('# 标题\n\n旧').blocks
    const b = inc.update('# 标题\n\n新')
    expect(b.blocks[0]).toBe(a[0])
    expect(changedIndexes(a, b.blocks)).toEqual([1])
    inc.reset()
    expect(changedIndexes(b.blocks, inc.update('# 标题\n\n新').blocks)).toEqual([0, 1])
    expect(inc.update('').blocks).toHaveLength(0)
    const long = `${'x'.repeat(50)}\n\n# a`
    expect(inc.update(long).blocks).toEqual(parseMarkdown(long))
  })

  test('CJK text and emoji split mid surrogate pair render like the whole text once complete', () => {
    const text = '## 表情 😀🎉\n\n你好，**世界** 👋 和 `代码` 🚀'
    const units = text.split('')
    checkStream(units)
    const inc = createIncrementalMarkdown()
    let last: Block[] = []
    for (let i = 1; i <= text.length; i++) last = inc.update(text.slice(0, i)).blocks
    expect(last).toEqual(parseMarkdown(text))
  })
})
