import { createIncrementalMarkdown, parseMarkdown } from '../../miniprogram/lib/markdown/index'
import { makeAnswer } from './corpus'
import { touches } from './touches'

const sentence = '这是一个很长的中文句子，'

/** Texts whose naive streaming cost is quadratic: long lines, long blocks, constructs left open for long. */
const CASES: Record<string, string> = {
  'unclosed * in a long line': `计算 2*3 的结果，${sentence.repeat(250)}`,
  'unclosed ** in a long line': `**注意 ${sentence.repeat(250)}`,
  'unclosed backtick': `\`code ${sentence.repeat(250)}`,
  'unclosed [ in a long line': `区间 [0, 1) ${sentence.repeat(250)}`,
  'long line of mixed inline': `${sentence}**粗体**和 \`code\` 以及 [链](http://a.b) `.repeat(60),
  'big code block': `\`\`\`ts\n${'const x = "s" // 注释 /* b */ + 1\n'.repeat(300)}\`\`\`\n`,
  'big table': `| a | b | c |\n|---|---|---|\n${'| **x** | `y` | 中文内容 |\n'.repeat(300)}`,
  'big nested list': '- 项目 **一** 的内容\n  - 子项 `c`\n'.repeat(200),
  'big quote': '> 引用的内容 **粗** 一行\n'.repeat(300),
  'mixed answer': makeAnswer(20_000, 42),
}

/** Characters read (counted from outside the parser, see touches.ts). */
const work = touches

/**
 * Every update costs a few steps whatever the text (the growth check compares 2 × 32 characters,
 * a slice or two): allowed per update on top of the 3× bound. A rescan of the text so far would
 * cost its length per update instead.
 */
const PER_UPDATE = 100

describe('streaming work stays linear', () => {
  test.each(Object.entries(CASES))('%s: 4-char updates cost at most 3× one parse', (_name, text) => {
    const once = work(() => parseMarkdown(text))
    const prefixes: string[] = []
    for (let i = 4; i < text.length + 4; i += 4) prefixes.push(text.slice(0, Math.min(i, text.length)))
    const streamed = work(() => {
      const inc = createIncrementalMarkdown()
      for (const prefix of prefixes) inc.update(prefix)
    })
    expect(once).toBeGreaterThan(text.length / 2)
    expect(streamed).toBeLessThanOrEqual(3 * once + PER_UPDATE * prefixes.length)
  })

  test('one update never rescans the finished part of a long answer', () => {
    const text = makeAnswer(30_000, 9)
    const inc = createIncrementalMarkdown()
    let worst = 0
    for (let i = 4; i < text.length; i += 4) {
      const prefix = text.slice(0, i)
      const cost = touches(() => inc.update(prefix))
      // Past 10,000 characters a rescan would read at least that much in one update.
      if (i > 10_000) worst = Math.max(worst, cost / i)
    }
    expect(worst).toBeGreaterThan(0)
    expect(worst).toBeLessThan(0.2)
  })
})
