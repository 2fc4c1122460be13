import fc from 'fast-check'
import { highlight, highlightLine, normalizeLang, parseMarkdown } from '../../miniprogram/lib/markdown'
import type { CodeBlock, Token, TokenKind } from '../../miniprogram/lib/markdown/types'

/** The code of a block as its tokens spell it. */
function codeText(block: CodeBlock): string {
  return block.lines.map((line) => line.map((t) => t.text).join('')).join('\n')
}

/** The kind of the first token whose text is exactly `text` on line `line`. */
function kindOf(lines: Token[][], text: string, line = 0): TokenKind | undefined {
  return lines[line]?.find((t) => t.text === text)?.kind
}

describe('language names', () => {
  test('aliases normalize; unknown names give ""', () => {
    const pairs: Array<[string, string]> = [
      ['JavaScript', 'js'],
      ['tsx', 'ts'],
      ['py', 'python'],
      ['sh', 'bash'],
      ['zsh', 'bash'],
      ['golang', 'go'],
      ['C++', 'cpp'],
      ['xml', 'html'],
      ['wxss', 'css'],
      ['PostgreSQL', 'sql'],
      ['brainfuck', ''],
      ['', ''],
    ]
    for (const [name, id] of pairs) expect(normalizeLang(name)).toBe(id)
  })
})

describe('highlighters', () => {
  test('js/ts: keywords, types, strings, numbers, comments, templates over lines', () => {
    const lines = highlight('const n: number = 42 // 答案\nlet s = `a\nb` + "c" /* x */', 'ts')
    expect(kindOf(lines, 'const')).toBe('keyword')
    expect(kindOf(lines, 'number')).toBe('type')
    expect(kindOf(lines, '42')).toBe('number')
    expect(kindOf(lines, '// 答案')).toBe('comment')
    expect(kindOf(lines, '`a', 1)).toBe('string')
    expect(kindOf(lines, 'b`', 2)).toBe('string')
    expect(kindOf(lines, '"c"', 2)).toBe('string')
    expect(kindOf(lines, '/* x */', 2)).toBe('comment')
  })

  test('python: def/class, decorators, # comments, triple-quoted strings over lines', () => {
    const lines = highlight('@cache\ndef f(x):\n    """文档\n    继续"""\n    return x  # 注释', 'py')
    expect(kindOf(lines, '@cache')).toBe('type')
    expect(kindOf(lines, 'def', 1)).toBe('keyword')
    expect(lines[2]!.some((t) => t.kind === 'string' && t.text.startsWith('"""'))).toBe(true)
    expect(kindOf(lines, '    继续"""', 3)).toBe('string')
    expect(kindOf(lines, '# 注释', 4)).toBe('comment')
  })

  test('json: keys and values are strings, literals are keywords', () => {
    const lines = highlight('{"a": [1.5, true, null]}', 'json')
    expect(kindOf(lines, '"a"')).toBe('string')
    expect(kindOf(lines, '1.5')).toBe('number')
    expect(kindOf(lines, 'true')).toBe('keyword')
  })

  test('bash: # only at a word start, variables, keywords', () => {
    const lines = highlight('echo $HOME a#b # 真注释', 'bash')
    expect(kindOf(lines, 'echo')).toBe('keyword')
    expect(kindOf(lines, '$HOME')).toBe('type')
    expect(lines[0]!.some((t) => t.kind === 'comment' && t.text.includes('a#b'))).toBe(false)
    expect(kindOf(lines, '# 真注释')).toBe('comment')
  })

  test('go, java, c/cpp, sql, css', () => {
    expect(kindOf(highlight('func main() { var x int }', 'go'), 'func')).toBe('keyword')
    expect(kindOf(highlight('func main() { var x int }', 'go'), 'int')).toBe('type')
    expect(kindOf(highlight('public class A {}', 'java'), 'public')).toBe('keyword')
    expect(kindOf(highlight('#include <stdio.h>', 'c'), '#include')).toBe('type')
    expect(kindOf(highlight('select * FROM t -- 注', 'sql'), 'select')).toBe('keyword')
    expect(kindOf(highlight('select * FROM t -- 注', 'sql'), 'FROM')).toBe('keyword')
    expect(kindOf(highlight('select * FROM t -- 注', 'sql'), '-- 注')).toBe('comment')
    const css = highlight('.a { color: #fff; margin: 4px } /* c */', 'css')
    expect(kindOf(css, '#fff')).toBe('number')
    expect(kindOf(css, '4px')).toBe('number')
    expect(kindOf(css, '/* c */')).toBe('comment')
  })

  test('html/xml: tags, attributes, attribute strings, comments over lines', () => {
    const lines = highlight('<div class="a">文字</div>\n<!-- 注\n释 -->', 'html')
    expect(kindOf(lines, '<div')).toBe('tag')
    expect(kindOf(lines, 'class')).toBe('type')
    expect(kindOf(lines, '"a"')).toBe('string')
    expect(kindOf(lines, '</div>')).toBe('tag')
    expect(kindOf(lines, '释 -->', 2)).toBe('comment')
  })

  test('unknown language: one plain token per non-empty line', () => {
    expect(highlight('a b\n\nc', 'nope')).toEqual([
      [{ text: 'a b', kind: 'plain' }],
      [],
      [{ text: 'c', kind: 'plain' }],
    ])
  })

  test('property: tokens cover the line exactly, and a growing line resumed from its cache matches one scan', () => {
    const langs = ['js', 'ts', 'python', 'json', 'bash', 'go', 'java', 'c', 'cpp', 'sql', 'html', 'css']
    const atoms = [
      '/',
      '*',
      '"',
      "'",
      '`',
      '#',
      '-',
      '<',
      '>',
      '!',
      '=',
      '\\',
      'a',
      'if',
      '1',
      ' ',
      '中',
      '"""',
      '$',
      '@',
      '.',
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...langs),
        fc.constantFrom('', 'c', 's`', 's"""', 'h', 'hc'),
        fc.array(fc.constantFrom(...atoms), { maxLength: 25 }),
        (lang, state, parts) => {
          const line = parts.join('')
          const once = highlightLine(line, lang, state)
          expect(once.tokens.map((t) => t.text).join('')).toBe(line)
          let cache = undefined as ReturnType<typeof highlightLine>['cache']
          let r = once
          for (let i = 0; i <= line.length; i++) {
            r = highlightLine(line.slice(0, i), lang, state, cache)
            cache = r.cache
          }
          expect(r).toEqual({ ...once, cache: r.cache })
        },
      ),
      { numRuns: 600 },
    )
  })

  test("a code block's tokens spell its code exactly", () => {
    const code = 'def f():\n    return "你好"  # ok\n\nprint(f())'
    const block = parseMarkdown(`\`\`\`python\n${code}\n\`\`\``)[0] as CodeBlock
    expect(codeText(block)).toBe(code)
  })
})
