import { parseMarkdown } from '../../miniprogram/lib/markdown'
import type { Block, CodeBlock, ListBlock, TableBlock } from '../../miniprogram/lib/markdown/types'

const kinds = (blocks: Block[]) => blocks.map((b) => b.type)
const text = (b: Block | undefined): string =>
  b && 'spans' in b ? b.spans.map((s) => s.text).join('') : `<${b?.type}>`

describe('block splitter', () => {
  test('ATX headings of every level, closing hashes dropped; 7 hashes or no space is text', () => {
    const blocks = parseMarkdown('# 一\n## Two ##\n###### six\n####### seven\n#hashtag')
    expect(kinds(blocks)).toEqual(['heading', 'heading', 'heading', 'paragraph'])
    expect(blocks.slice(0, 3).map((b) => (b.type === 'heading' ? b.level : 0))).toEqual([1, 2, 6])
    expect(text(blocks[1])).toBe('Two')
    expect(text(blocks[3])).toBe('####### seven\n#hashtag')
  })

  test('paragraphs are split by blank lines and keep line breaks', () => {
    const blocks = parseMarkdown('第一行\n  第二行\n\n\n第二段')
    expect(kinds(blocks)).toEqual(['paragraph', 'paragraph'])
    expect(text(blocks[0])).toBe('第一行\n第二行')
    expect(text(blocks[1])).toBe('第二段')
  })

  test('fenced code with ``` and ~~~, info string, indentation stripped, closed or open', () => {
    const [a, b, c] = parseMarkdown(
      '```Python title="x"\nprint(1)\n\n```\n  ~~~~\n  indented\n   ~~~~\n```\nstill open\n~~~',
    ) as CodeBlock[]
    expect(a).toMatchObject({ type: 'code', lang: 'python', label: 'Python', open: false })
    expect(a!.lines.map((l) => l.map((t) => t.text).join(''))).toEqual(['print(1)', ''])
    expect(b).toMatchObject({ lang: '', label: '代码', open: false })
    expect(b!.lines).toEqual([[{ text: 'indented', kind: 'plain' }]])
    expect(c).toMatchObject({ open: true })
    expect(c!.lines.map((l) => l.map((t) => t.text).join(''))).toEqual(['still open', '~~~'])
  })

  test('a fence needs three markers and a shorter closing run does not close it', () => {
    const blocks = parseMarkdown('``not code``\n\n````\n```\n````')
    expect(kinds(blocks)).toEqual(['paragraph', 'code'])
    expect((blocks[1] as CodeBlock).lines).toEqual([[{ text: '```', kind: 'plain' }]])
    expect((blocks[1] as CodeBlock).open).toBe(false)
  })

  test('thematic breaks: ---, ***, _ _ _ ; interrupt a paragraph (no setext headings)', () => {
    const blocks = parseMarkdown('---\n* * *\n_ _ _\n文字\n---\n--')
    expect(kinds(blocks)).toEqual(['hr', 'hr', 'hr', 'paragraph', 'hr', 'paragraph'])
  })

  test('unordered and ordered lists with start numbers, nesting by indent and task items', () => {
    const [list] = parseMarkdown(
      '3. 三\n4. 四\n   - [ ] 待办\n   - [x] 完成\n     继续\n5) other',
    ) as ListBlock[]
    expect(list).toMatchObject({ type: 'list', ordered: true, start: 3 })
    expect(list!.items).toHaveLength(2)
    const nested = list!.items[1]!.blocks[1] as ListBlock
    expect(nested).toMatchObject({ type: 'list', ordered: false })
    expect(nested.items.map((i) => i.checked)).toEqual([false, true])
    expect(text(nested.items[1]!.blocks[0])).toBe('完成\n继续')
    // A different delimiter starts a new list.
    expect(kinds(parseMarkdown('1. a\n2) b'))).toEqual(['list', 'list'])
  })

  test('list items continue over blank lines when indented, lazily without indent, end otherwise', () => {
    const blocks = parseMarkdown('- a\n\n  second para\n- b\nlazy\n\nafter')
    expect(kinds(blocks)).toEqual(['list', 'paragraph'])
    const list = blocks[0] as ListBlock
    expect(list.items[0]!.blocks.map(text)).toEqual(['a', 'second para'])
    expect(text(list.items[1]!.blocks[0])).toBe('b\nlazy')
  })

  test('lists only interrupt a paragraph when non-empty and (ordered) starting at 1', () => {
    expect(kinds(parseMarkdown('文字\n2. 不是列表'))).toEqual(['paragraph'])
    expect(kinds(parseMarkdown('文字\n-\n'))).toEqual(['paragraph'])
    expect(kinds(parseMarkdown('文字\n1. 列表'))).toEqual(['paragraph', 'list'])
    expect(kinds(parseMarkdown('文字\n- 列表'))).toEqual(['paragraph', 'list'])
  })

  test('a code fence inside a list item', () => {
    const [list] = parseMarkdown('1. 安装：\n   ```bash\n   npm i\n   ```\n2. 运行') as ListBlock[]
    expect(list!.items).toHaveLength(2)
    expect(list!.items[0]!.blocks[1]).toMatchObject({ type: 'code', lang: 'bash', open: false })
  })

  test('block quotes nest, hold other blocks and take lazy paragraph lines', () => {
    const blocks = parseMarkdown('> 引用\n继续\n> > 内层\n> - 项\n\n正文')
    expect(kinds(blocks)).toEqual(['blockquote', 'paragraph'])
    const quote = blocks[0]!
    if (quote.type !== 'blockquote') throw new Error('not a quote')
    expect(kinds(quote.blocks)).toEqual(['paragraph', 'blockquote', 'list'])
    expect(text(quote.blocks[0])).toBe('引用\n继续')
  })

  test('GFM tables: alignment, escaped pipes, short and long rows, end at a blank line', () => {
    const [table, after] = parseMarkdown(
      '| 名称 | 值 | 备注 |\n|:--|--:|:-:|\n| a | `x\\|y` |\n| b | 2 | 3 | 4 |\nc | d\n\n后文',
    ) as [TableBlock, Block]
    expect(table.align).toEqual(['left', 'right', 'center'])
    expect(table.header.map((c) => c.map((s) => s.text).join(''))).toEqual(['名称', '值', '备注'])
    const cells = table.rows.map((r) => r.map((c) => c.map((s) => s.text).join('')))
    expect(cells).toEqual([
      ['a', 'x|y', ''],
      ['b', '2', '3'],
      ['c', 'd', ''],
    ])
    expect(table.rows[0]![1]![0]).toMatchObject({ code: true })
    expect(text(after)).toBe('后文')
  })

  test('a table needs a delimiter row with the same number of cells; text before it stays a paragraph', () => {
    expect(kinds(parseMarkdown('| a | b |\n|---|\n'))).toEqual(['paragraph'])
    expect(kinds(parseMarkdown('a | b\n--- | ---'))).toEqual(['table'])
    expect(kinds(parseMarkdown('如下：\n| a | b |\n|---|---|\n| 1 | 2 |'))).toEqual(['paragraph', 'table'])
  })

  test('CRLF line ends and emoji/CJK text', () => {
    const blocks = parseMarkdown('# 你好 👋\r\n\r\n- 😀 **好**\r\n')
    expect(kinds(blocks)).toEqual(['heading', 'list'])
    expect(text(blocks[0])).toBe('你好 👋')
    const item = (blocks[1] as ListBlock).items[0]!.blocks[0]!
    expect(item).toEqual({ type: 'paragraph', spans: [{ text: '😀 ' }, { text: '好', bold: true }] })
  })

  test('empty text has no blocks; blank lines alone have none', () => {
    expect(parseMarkdown('')).toEqual([])
    expect(parseMarkdown('\n  \n\t\n')).toEqual([])
  })
})
