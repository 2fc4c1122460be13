/**
 * Realistic chat answers in markdown (Chinese prose, lists, tables, code,
 * quotes), generated from a seed so tests and the benchmark see the same text.
 */

import { seededRandom as rng } from '../support/random'

export { rng }

const PHRASES = [
  '在流式渲染中，我们只重新解析最后一个块',
  '这样可以显著降低低端安卓手机上的卡顿',
  '**关键点**在于已完成的块不再发送',
  '可以使用 `setData` 的路径更新',
  '参见 [官方文档](https://developers.weixin.qq.com/miniprogram/dev/) 了解更多',
  '*注意*：链接在小程序中只能复制',
  '性能提升约 3 倍 🚀',
  '例如 https://example.com/path?q=1 这样的地址',
  '~~旧的做法~~已经不推荐',
  'The quick brown fox jumps over the lazy dog',
  '使用 _emphasis_ 与 __strong__ 的组合',
  '数据结构的选择同样重要 😀',
]

const CODE: Record<string, string[]> = {
  ts: [
    'export function sum(values: number[]): number {',
    '  // 累加所有数值',
    '  return values.reduce((a, b) => a + b, 0)',
    '}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text, not a template
    'const greeting = `你好, ${name}!`',
    '/* 多行注释',
    '   第二行 */',
    'interface User { id: string; age?: number }',
  ],
  python: [
    'def fib(n: int) -> int:',
    '    """计算斐波那契数"""',
    '    if n < 2:',
    '        return n  # 基本情况',
    '    return fib(n - 1) + fib(n - 2)',
    '@dataclass',
    'class Point:',
    "    name: str = 'p'",
  ],
  bash: [
    '#!/bin/bash',
    'npm install --save-dev jest  # 安装',
    'echo "$HOME/bin"',
    'for f in *.ts; do echo $f; done',
  ],
  json: ['{', '  "name": "demo",', '  "version": 1.2,', '  "private": true,', '  "list": [1, 2, null]', '}'],
  sql: ['SELECT id, name FROM users', "WHERE name LIKE '张%' -- 中文", 'ORDER BY id DESC LIMIT 10;'],
  go: ['package main', 'import "fmt"', 'func main() {', '\tfmt.Println("你好")', '}'],
}

function sentence(r: () => number): string {
  const n = 1 + Math.floor(r() * 3)
  const parts: string[] = []
  for (let i = 0; i < n; i++) parts.push(PHRASES[Math.floor(r() * PHRASES.length)]!)
  return `${parts.join('，')}。`
}

function paragraph(r: () => number): string {
  const n = 2 + Math.floor(r() * 5)
  let text = ''
  for (let i = 0; i < n; i++) text += sentence(r)
  return text
}

function block(r: () => number, k: number): string {
  const pick = r()
  if (pick < 0.3) return paragraph(r)
  if (pick < 0.4) return `${'#'.repeat(2 + Math.floor(r() * 2))} 第 ${k} 节：${sentence(r).slice(0, 12)}`
  if (pick < 0.55) {
    const ordered = r() < 0.5
    const items: string[] = []
    for (let i = 0; i < 2 + Math.floor(r() * 4); i++) {
      items.push(`${ordered ? `${i + 1}.` : '-'} ${sentence(r)}`)
      if (r() < 0.25) items.push(`   - 子项：${sentence(r)}`)
    }
    return items.join('\n')
  }
  if (pick < 0.75) {
    const langs = Object.keys(CODE)
    const lang = langs[Math.floor(r() * langs.length)]!
    const lines = CODE[lang]!
    const n = 3 + Math.floor(r() * 10)
    const body: string[] = []
    for (let i = 0; i < n; i++) body.push(lines[i % lines.length]!)
    return `\`\`\`${lang}\n${body.join('\n')}\n\`\`\``
  }
  if (pick < 0.88) {
    const rows = ['| 方案 | 耗时 | 说明 |', '| :--- | ---: | :---: |']
    for (let i = 0; i < 2 + Math.floor(r() * 5); i++) {
      rows.push(`| 方案${i} | ${Math.floor(r() * 1000)} ms | ${sentence(r).slice(0, 16)} |`)
    }
    return rows.join('\n')
  }
  if (pick < 0.95) return `> ${sentence(r)}\n> ${sentence(r)}`
  return '---'
}

/** A markdown answer of about `size` chars (UTF-16 units). */
export function makeAnswer(size: number, seed = 1): string {
  const r = rng(seed)
  const blocks: string[] = []
  let length = 0
  for (let k = 1; length < size; k++) {
    const b = block(r, k)
    blocks.push(b)
    length += b.length + 2
  }
  return blocks.join('\n\n')
}

/** Cuts a text into stream tokens of 1–7 chars (about 4 on average), never inside a surrogate pair. */
export function tokenize(text: string, seed = 7): string[] {
  const r = rng(seed)
  const out: string[] = []
  let i = 0
  while (i < text.length) {
    let n = 1 + Math.floor(r() * 7)
    const code = text.charCodeAt(i + n - 1)
    if (code >= 0xd800 && code <= 0xdbff) n++
    out.push(text.slice(i, i + n))
    i += n
  }
  return out
}
