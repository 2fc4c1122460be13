/** @jest-environment jsdom */

import { mount, sleep, tap, textOf } from '../support/simulate'
import './wcc-hints'
import { installWx } from '../support/wx-request-double'

describe('components render with the official compiler', () => {
  let wxHandle: ReturnType<typeof installWx>
  beforeEach(() => {
    wxHandle = installWx()
  })
  afterEach(() => wxHandle.uninstall())

  test('markdown-block: heading, paragraph spans and a link that copies on tap', async () => {
    const heading = mount('components/markdown-block/index', {
      block: { type: 'heading', level: 2, spans: [{ text: '标题' }] },
    })
    expect(heading.querySelector('.md-h2')).toBeTruthy()
    expect(textOf(heading)).toBe('标题')

    const para = mount('components/markdown-block/index', {
      block: {
        type: 'paragraph',
        spans: [
          { text: '粗体', bold: true },
          { text: '斜体', italic: true },
          { text: 'code', code: true },
          { text: '删除', strike: true },
          { text: '链接', href: 'https://example.com/a' },
        ],
      },
    })
    expect(para.querySelector('.md-bold')?.dom?.textContent).toBe('粗体')
    expect(para.querySelector('.md-italic')?.dom?.textContent).toBe('斜体')
    expect(para.querySelector('.md-code')?.dom?.textContent).toBe('code')
    expect(para.querySelector('.md-strike')?.dom?.textContent).toBe('删除')
    tap(para, '.md-link')
    await sleep(5)
    expect(wxHandle.recorded.setClipboardData).toEqual([
      expect.objectContaining({ data: 'https://example.com/a' }),
    ])
  })

  test('markdown-block: nested list, quote, table, code with tokens and copy', async () => {
    const list = mount('components/markdown-block/index', {
      block: {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          { blocks: [{ type: 'paragraph', spans: [{ text: '第一项' }] }] },
          {
            blocks: [
              { type: 'paragraph', spans: [{ text: '第二项' }] },
              {
                type: 'list',
                ordered: false,
                start: 1,
                items: [{ blocks: [{ type: 'paragraph', spans: [{ text: '子项' }] }] }],
              },
            ],
          },
        ],
      },
    })
    expect(textOf(list)).toContain('3.')
    expect(textOf(list)).toContain('4.')
    expect(textOf(list)).toContain('子项')

    const quote = mount('components/markdown-block/index', {
      block: { type: 'blockquote', blocks: [{ type: 'paragraph', spans: [{ text: '引用' }] }] },
    })
    expect(quote.querySelector('.md-quote')).toBeTruthy()
    expect(textOf(quote)).toBe('引用')

    const table = mount('components/markdown-block/index', {
      block: {
        type: 'table',
        align: [null, 'right'],
        header: [[{ text: '名称' }], [{ text: '数量' }]],
        rows: [[[{ text: '苹果' }], [{ text: '3' }]]],
      },
    })
    expect(table.querySelector('.md-table-scroll')).toBeTruthy()
    expect(table.querySelectorAll('.md-td')).toHaveLength(4)
    expect(table.querySelector('.md-align-right')).toBeTruthy()
    // Only the table itself is display:table: a root also classed md-table would grow past the screen
    // instead of scrolling inside md-table-scroll.
    expect(table.querySelectorAll('.md-table')).toHaveLength(1)

    const code = mount('components/markdown-block/index', {
      block: {
        type: 'code',
        lang: 'js',
        label: 'js',
        open: false,
        lines: [
          [
            { text: 'const', kind: 'keyword' },
            { text: ' a = ', kind: 'plain' },
            { text: '1', kind: 'number' },
          ],
          [{ text: '// 注释', kind: 'comment' }],
        ],
      },
    })
    expect(textOf(code, '.md-code-label')).toBe('js')
    // .md-code is inline code styling: the code block's root must not carry it.
    expect(code.querySelector('.md-code')).toBeFalsy()
    expect(code.querySelector('.tok-keyword')?.dom?.textContent).toBe('const')
    expect(code.querySelector('.tok-comment')).toBeTruthy()
    tap(code, '.md-code-copy')
    await sleep(5)
    expect(wxHandle.recorded.setClipboardData).toEqual([
      // The code as written, then the AI label on a line of its own (not inside the code).
      expect.objectContaining({ data: 'const a = 1\n// 注释\n\n——内容由 AI 生成' }),
    ])
  })

  test('reasoning-panel shows the label, toggles through an event', async () => {
    const panel = mount('components/reasoning-panel/index', {
      label: '思考中…',
      paragraphs: ['第一段', '第二段'],
      open: true,
      running: true,
    })
    expect(textOf(panel, '.reasoning-label')).toBe('思考中…')
    expect(panel.querySelectorAll('.reasoning-para')).toHaveLength(2)
    const toggles: unknown[] = []
    panel.addEventListener('toggle', (e: unknown) => toggles.push(e))
    tap(panel, '.reasoning-head')
    await sleep(5)
    expect(toggles).toHaveLength(1)
    panel.setData({ open: false })
    expect(panel.querySelector('.reasoning-body')).toBeFalsy()
  })

  test('empty-state offers prompts and emits the picked one', async () => {
    const empty = mount('components/empty-state/index')
    expect(empty.querySelectorAll('.prompt').length).toBeGreaterThanOrEqual(3)
    const picked: string[] = []
    empty.addEventListener('pick', (e: { detail: { text: string } }) => picked.push(e.detail.text))
    tap(empty, '.prompt')
    await sleep(5)
    expect(picked[0]).toBe(textOf(empty, '.prompt'))
  })

  test('typing-indicator renders three dots', () => {
    const typing = mount('components/typing-indicator/index')
    expect(typing.querySelectorAll('.dot')).toHaveLength(3)
  })
})
