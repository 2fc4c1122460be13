import { createIncrementalMarkdown, finishedText, parseMarkdown } from '../../miniprogram/lib/markdown'

describe('a finished answer', () => {
  it('shows an unclosed emphasis marker literally once the answer is over', () => {
    const text = '计算 2*3 = 6，然后结束。'
    // While streaming, the star previews italic text that may still be closed.
    expect(parseMarkdown(text)[0]).toMatchObject({ spans: [{ text: '计算 2' }, { italic: true }] })
    expect(parseMarkdown(finishedText(text))).toEqual([{ type: 'paragraph', spans: [{ text }] }])
  })

  it('gives the same blocks incrementally as in one parse', () => {
    const text = '- 第一项 `code\n- 第二项 **粗'
    const incremental = createIncrementalMarkdown()
    for (let i = 1; i <= text.length; i++) incremental.update(text.slice(0, i))
    const { blocks } = incremental.update(finishedText(text))
    expect(blocks).toEqual(parseMarkdown(finishedText(text)))
    expect(JSON.stringify(blocks)).not.toContain('"bold"')
  })
})
