import fc from 'fast-check'
import { parseInline, previewInline } from '../../miniprogram/lib/markdown/inline'
import { InlineStream } from '../../miniprogram/lib/markdown/inline-stream'
import { SPAN_MAX_CHARS, spansText } from '../../miniprogram/lib/markdown/spans'

describe('inline parser', () => {
  test('emphasis and strong with * and _, strike with ~~', () => {
    expect(parseInline('a *i* **b** ***bi*** _u_ __s__ ~~d~~')).toEqual([
      { text: 'a ' },
      { text: 'i', italic: true },
      { text: ' ' },
      { text: 'b', bold: true },
      { text: ' ' },
      { text: 'bi', bold: true, italic: true },
      { text: ' ' },
      { text: 'u', italic: true },
      { text: ' ' },
      { text: 's', bold: true },
      { text: ' ' },
      { text: 'd', strike: true },
    ])
  })

  test('nested styles combine; unmatched or spaced markers stay literal; intraword _ is literal', () => {
    expect(parseInline('**粗 *斜* 体**')).toEqual([
      { text: '粗 ', bold: true },
      { text: '斜', bold: true, italic: true },
      { text: ' 体', bold: true },
    ])
    expect(parseInline('2 * 3 * 4')).toEqual([{ text: '2 * 3 * 4' }])
    expect(parseInline('snake_case_name')).toEqual([{ text: 'snake_case_name' }])
    expect(parseInline('**open')).toEqual([{ text: '**open' }])
  })

  test('inline code keeps markers literal and strips one padding space', () => {
    expect(parseInline('x `a*b*` ``c `d` e``')).toEqual([
      { text: 'x ' },
      { text: 'a*b*', code: true },
      { text: ' ' },
      { text: 'c `d` e', code: true },
    ])
  })

  test('links with styled labels, angle targets and titles; autolinks drop trailing punctuation', () => {
    expect(parseInline('[**文档**](<https://a.cn/x> "t")')).toEqual([
      { text: '文档', bold: true, href: 'https://a.cn/x' },
    ])
    expect(parseInline('见 https://a.cn/p?q=1。和 (http://b.io/x).')).toEqual([
      { text: '见 ' },
      { text: 'https://a.cn/p?q=1', href: 'https://a.cn/p?q=1' },
      { text: '。和 (' },
      { text: 'http://b.io/x', href: 'http://b.io/x' },
      { text: ').' },
    ])
    expect(parseInline('[not a link] (x)')).toEqual([{ text: '[not a link] (x)' }])
  })

  test('backslash escapes ASCII punctuation only', () => {
    expect(parseInline('\\*a\\* \\[b] \\中')).toEqual([{ text: '*a* [b] \\中' }])
  })

  test('emphasis does not span lines', () => {
    expect(parseInline('**a\nb**')).toEqual([{ text: '**a\nb**' }])
  })

  test('preview shows half-written constructs as the user expects', () => {
    expect(previewInline('这是 **粗体')).toEqual([{ text: '这是 ' }, { text: '粗体', bold: true }])
    expect(previewInline('run `npm')).toEqual([{ text: 'run ' }, { text: 'npm', code: true }])
    expect(previewInline('见 [文档](https://exa')).toEqual([{ text: '见 文档' }])
    expect(previewInline('~~旧')).toEqual([{ text: '旧', strike: true }])
    expect(previewInline('a **')).toEqual([{ text: 'a ' }])
  })

  test('long runs are cut into spans of at most SPAN_MAX_CHARS without splitting surrogate pairs', () => {
    const long = '😀'.repeat(SPAN_MAX_CHARS)
    const spans = parseInline(long)
    expect(spansText(spans)).toBe(long)
    for (const s of spans) {
      expect(s.text.length).toBeLessThanOrEqual(SPAN_MAX_CHARS)
      expect(s.text.charCodeAt(s.text.length - 1)).not.toBe(0xd83d)
    }
  })
})

const PIECES = [
  '*',
  '**',
  '_',
  '~~',
  '`',
  '``',
  '[',
  ']',
  '(',
  ')',
  '\\',
  'http://a.b/c',
  'h',
  'ht',
  ' ',
  '\n',
  '中文',
  '😀',
  'ab',
  '.',
  '|',
]

describe('InlineStream', () => {
  test('growing text renders like a one-shot preview, and final like a one-shot parse', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }),
        fc.array(fc.nat(6), { maxLength: 30 }),
        (pieces, cuts) => {
          const full = pieces.join('')
          const stream = new InlineStream()
          let at = 0
          for (const cut of cuts) {
            at = Math.min(full.length, at + cut)
            expect(stream.render(full.slice(0, at), false)).toEqual(previewInline(full.slice(0, at)))
          }
          expect(stream.render(full, true)).toEqual(parseInline(full))
          expect(stream.render(full, false)).toEqual(previewInline(full))
        },
      ),
      { numRuns: 400 },
    )
  })
})
