import type { Align } from './types'

/** Leading whitespace of a line: its width in columns (tab = 4) and the index of the first other char. */
export interface Leading {
  cols: number
  first: number
}

/** Measures leading whitespace; a blank line has `first === line.length`. */
export function leading(line: string): Leading {
  let cols = 0
  let i = 0
  while (i < line.length) {
    const c = line[i]
    if (c === ' ') cols++
    else if (c === '\t') cols += 4 - (cols % 4)
    else break
    i++
  }
  return { cols, first: i }
}

/** Chars to drop to remove `cols` columns of indentation (a tab is dropped whole). */
export function indentChars(line: string, cols: number): number {
  let c = 0
  let i = 0
  while (i < line.length && c < cols) {
    const ch = line[i]
    if (ch === ' ') c++
    else if (ch === '\t') c += 4 - (c % 4)
    else break
    i++
  }
  return i
}

/** What a line opens when it starts a block; `null` means paragraph text (or blank). */
export type BlockStart =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; content: number }
  | { kind: 'fence'; char: string; len: number; indent: number; info: string }
  | { kind: 'quote' }
  | { kind: 'hr' }
  | {
      kind: 'item'
      ordered: boolean
      /** Bullet char or ordered delimiter; a list continues only with the same one. */
      marker: string
      start: number
      /** Column where the item's content starts (continuation lines need this indent). */
      contentCols: number
      /** Char index of the content in the line. */
      content: number
      /** No content after the marker (such an item cannot interrupt a paragraph). */
      empty: boolean
    }

function isHr(line: string, from: number): boolean {
  const c = line[from]
  let n = 0
  let i = from
  for (; i < line.length; i++) {
    const ch = line[i]
    if (ch === c) n++
    else if (ch !== ' ' && ch !== '\t') break
  }
  return i === line.length && n >= 3
}

function fenceStart(line: string, first: number, cols: number): BlockStart | null {
  const c = line[first]!
  let i = first
  while (line[i] === c) i++
  const len = i - first
  if (len < 3) return null
  const info = line.slice(i).trim()
  if (c === '`' && info.includes('`')) return null
  return { kind: 'fence', char: c, len, indent: cols, info }
}

function itemStart(line: string, first: number, cols: number): BlockStart | null {
  const c = line[first]!
  let i = first
  let ordered = false
  let start = 1
  let marker = c
  if (c === '-' || c === '*' || c === '+') i++
  else {
    while (i < line.length && i - first < 9 && line[i]! >= '0' && line[i]! <= '9') i++
    if (i === first || (line[i] !== '.' && line[i] !== ')')) return null
    ordered = true
    start = Number(line.slice(first, i))
    marker = line[i]!
    i++
  }
  const markerCols = cols + (i - first)
  if (i === line.length) {
    return { kind: 'item', ordered, marker, start, contentCols: markerCols + 1, content: i, empty: true }
  }
  if (line[i] !== ' ' && line[i] !== '\t') return null
  const after = leading(line.slice(i))
  const content = i + after.first
  if (content === line.length) {
    return { kind: 'item', ordered, marker, start, contentCols: markerCols + 1, content, empty: true }
  }
  // Five or more spaces after the marker: the content is indented code in CommonMark; we keep one space.
  const pad = after.cols > 4 ? 1 : after.cols
  return {
    kind: 'item',
    ordered,
    marker,
    start,
    contentCols: markerCols + pad,
    content: after.cols > 4 ? i + 1 : content,
    empty: false,
  }
}

/**
 * Classifies a line by the block it would open. Only the first few chars are
 * examined (a thematic break scans to its end), so classifying a growing line
 * on every update stays cheap.
 */
export function blockStart(line: string, lead: Leading = leading(line)): BlockStart | null {
  const { cols, first } = lead
  if (cols >= 4 || first === line.length) return null
  const c = line[first]!
  if (c === '#') {
    let i = first
    while (line[i] === '#') i++
    const level = i - first
    if (level > 6 || (i < line.length && line[i] !== ' ' && line[i] !== '\t')) return null
    return { kind: 'heading', level: level as 1 | 2 | 3 | 4 | 5 | 6, content: i }
  }
  if (c === '`' || c === '~') return fenceStart(line, first, cols)
  if (c === '>') return { kind: 'quote' }
  if ((c === '-' || c === '*' || c === '_') && isHr(line, first)) return { kind: 'hr' }
  if (c === '-' || c === '*' || c === '+' || (c >= '0' && c <= '9')) return itemStart(line, first, cols)
  return null
}

/** True when a fence line closes the code block opened by `char` × `len`. */
export function closesFence(line: string, char: string, len: number): boolean {
  const { cols, first } = leading(line)
  if (cols >= 4) return false
  let i = first
  while (line[i] === char) i++
  if (i - first < len) return false
  return leading(line.slice(i)).first === line.length - i
}

/**
 * Splits a table row into raw cell texts (untrimmed): an optional leading and
 * trailing pipe are dropped; `\|` does not split (GFM requires escaping pipes
 * even inside code spans).
 */
export function splitRow(line: string): string[] {
  const cells: string[] = []
  const { first } = leading(line)
  let start = line[first] === '|' ? first + 1 : first
  let i = start
  for (; i < line.length; i++) {
    const c = line[i]
    if (c === '\\') i++
    else if (c === '|') {
      cells.push(line.slice(start, i))
      start = i + 1
    }
  }
  const rest = line.slice(start)
  if (rest.trim() !== '' || cells.length === 0) cells.push(rest)
  return cells
}

/**
 * Parses a GFM delimiter row (`| :--- | :-: |`) into column alignments, or
 * null when the line is not one. Fails at the first char that cannot belong
 * to a delimiter row, so a growing text line is rejected quickly.
 */
export function delimiterRow(line: string): Align[] | null {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c !== '|' && c !== '-' && c !== ':' && c !== ' ' && c !== '\t') {
      return null
    }
  }
  if (!line.includes('-') || !line.includes('|')) return null
  const cells = splitRow(line)
  const align: Align[] = []
  for (const raw of cells) {
    const cell = raw.trim()
    if (!/^:?-+:?$/.test(cell)) return null
    const left = cell.startsWith(':')
    const right = cell.endsWith(':')
    align.push(left && right ? 'center' : right ? 'right' : left ? 'left' : null)
  }
  return align
}
