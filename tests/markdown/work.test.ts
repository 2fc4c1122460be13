import { createIncrementalMarkdown, markdownWork, parseMarkdown } from '../../miniprogram/lib/markdown'
import { makeAnswer } from './corpus'

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

function work(run: () => void): number {
  const before = markdownWork.chars
  run()
  return markdownWork.chars - before
}

describe('streaming work stays linear', () => {
  test.each(Object.entries(CASES))('%s: 4-char updates cost at most 3× one parse', (_name, text) => {
    const once = work(() => parseMarkdown(text))
    const streamed = work(() => {
      const inc = createIncrementalMarkdown()
      for (let i = 4; i < text.length + 4; i += 4) inc.update(text.slice(0, Math.min(i, text.length)))
    })
    expect(once).toBeGreaterThan(text.length / 2)
    expect(streamed).toBeLessThanOrEqual(3 * once)
  })

  test('one update never rescans the finished part of a long answer', () => {
    const text = makeAnswer(30_000, 9)
    const inc = createIncrementalMarkdown()
    let most = 0
    for (let i = 4; i < text.length; i += 4)
      most = Math.max(
        most,
        work(() => inc.update(text.slice(0, i))),
      )
    expect(most).toBeLessThan(1000)
  })
})
