import type { Token, TokenKind } from '../types'
import type { LangSpec } from './specs'

/**
 * Tokenizer state carried from one position to the next: '' (code), 'l' (rest
 * of the line is a comment), 'c' (block comment), 'hc' (markup comment),
 * 'h' (inside a markup tag), 's' + delimiter (a string spanning lines).
 */
export type HlState = string

/**
 * Where to resume scanning a line that is still growing: tokens before `pos`
 * cannot change when chars are appended (a token's end is decided by the char
 * after it), so only the last token is scanned again.
 */
export interface LineCache {
  tokens: Token[]
  pos: number
  state: HlState
}

interface Step {
  end: number
  kind: TokenKind
  state: HlState
}

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c)
const isIdent = (c: string | undefined, dash: boolean) =>
  c !== undefined && (/[\w$]/.test(c) || (dash && c === '-'))
const isSpace = (c: string | undefined) => c === ' ' || c === '\t'

/** End of a delimited run (string/comment) from `from`; -1 when the line ends first. */
function findClose(line: string, from: number, close: string, escapes: boolean): number {
  for (let i = from; i < line.length; i++) {
    if (escapes && line[i] === '\\') i++
    else if (line.startsWith(close, i)) return i + close.length
  }
  return -1
}

function inState(line: string, i: number, state: HlState): Step {
  if (state === 'l') return { end: line.length, kind: 'comment', state: 'l' }
  if (state === 'c' || state === 'hc') {
    const end = findClose(line, i, state === 'c' ? '*/' : '-->', false)
    return end < 0 ? { end: line.length, kind: 'comment', state } : { end, kind: 'comment', state: '' }
  }
  const end = findClose(line, i, state.slice(1), true)
  return end < 0 ? { end: line.length, kind: 'string', state } : { end, kind: 'string', state: '' }
}

function inTag(line: string, i: number): Step {
  const c = line[i]!
  if (c === '>') return { end: i + 1, kind: 'tag', state: '' }
  if (c === '/' && line[i + 1] === '>') return { end: i + 2, kind: 'tag', state: '' }
  if (c === '"' || c === "'") {
    const end = findClose(line, i + 1, c, false)
    return { end: end < 0 ? line.length : end, kind: 'string', state: 'h' }
  }
  if (c === '=') return { end: i + 1, kind: 'punct', state: 'h' }
  let e = i
  if (isSpace(c)) while (isSpace(line[e])) e++
  else while (e < line.length && !/[\s=>"'/]/.test(line[e]!)) e++
  return { end: Math.max(e, i + 1), kind: isSpace(c) ? 'plain' : 'type', state: 'h' }
}

function word(line: string, i: number, spec: LangSpec): Step {
  let e = i + 1
  while (isIdent(line[e], spec.dashIdent === true)) e++
  const w = line.slice(i, e)
  const key = spec.ignoreCase ? w.toLowerCase() : w
  let kind: TokenKind = 'plain'
  if (spec.keywords.has(key)) kind = 'keyword'
  else if (spec.types?.has(key) || (spec.capitalTypes && /^[A-Z]/.test(w))) kind = 'type'
  return { end: e, kind, state: '' }
}

/** One token of code (state ''). */
function codeStep(line: string, i: number, spec: LangSpec): Step {
  const c = line[i]!
  if (isSpace(c)) {
    let e = i + 1
    while (isSpace(line[e])) e++
    return { end: e, kind: 'plain', state: '' }
  }
  if (spec.markup) {
    if (line.startsWith('<!--', i)) return inState(line, i + 4, 'hc')
    if (c === '<' && /[A-Za-z/!?]/.test(line[i + 1] ?? '')) {
      let e = i + 2
      while (e < line.length && /[\w:.-]/.test(line[e]!)) e++
      return { end: e, kind: 'tag', state: 'h' }
    }
    if (c === '&') {
      const semi = line.indexOf(';', i)
      if (semi > i && semi - i < 10) return { end: semi + 1, kind: 'keyword', state: '' }
    }
    let e = i + 1
    while (e < line.length && line[e] !== '<' && line[e] !== '&' && !isSpace(line[e])) e++
    return { end: e, kind: 'plain', state: '' }
  }
  for (const prefix of spec.lineComment ?? []) {
    if (!line.startsWith(prefix, i)) continue
    if (spec.hashAtWordStart && i > 0 && !isSpace(line[i - 1])) continue
    return { end: line.length, kind: 'comment', state: 'l' }
  }
  const block = spec.blockComment
  if (block && line.startsWith(block[0], i)) return inState(line, i + block[0].length, 'c')
  if (spec.tripleQuotes && (line.startsWith('"""', i) || line.startsWith("'''", i))) {
    return inState(line, i + 3, `s${c}${c}${c}`)
  }
  if (spec.backtick && c === '`') return inState(line, i + 1, 's`')
  if (spec.quotes.includes(c)) {
    const end = findClose(line, i + 1, c, true)
    return { end: end < 0 ? line.length : end, kind: 'string', state: '' }
  }
  if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(line[i + 1] ?? '')) || (c === '#' && spec.dashIdent)) {
    let e = i + 1
    while (e < line.length && /[\w.%]/.test(line[e]!)) e++
    return { end: e, kind: 'number', state: '' }
  }
  if (spec.sigils?.includes(c) && isIdent(line[i + 1], false)) {
    const w = word(line, i + 1, spec)
    return { end: w.end, kind: 'type', state: '' }
  }
  if (isIdentStart(c)) return word(line, i, spec)
  if (c.charCodeAt(0) > 0x7f) {
    let e = i + 1
    while (e < line.length && line.charCodeAt(e) > 0x7f) e++
    return { end: e, kind: 'plain', state: '' }
  }
  return { end: i + 1, kind: 'punct', state: '' }
}

/**
 * Scans one line from the cache's position (or from 0 in `state`) and returns
 * the line's tokens (unmerged), the state at its end and the cache to resume
 * from if the line grows. A comment that runs to the end of the line resumes
 * near its end, so typing a long comment is not rescanned from its start.
 */
export function scanCodeLine(
  line: string,
  spec: LangSpec,
  startState: HlState,
  cache?: LineCache,
): { tokens: Token[]; end: HlState; cache: LineCache } {
  const tokens = cache ? cache.tokens.slice() : []
  let i = cache ? cache.pos : 0
  let state = cache ? cache.state : startState
  let resumeLen = tokens.length
  let resumePos = i
  let resumeState = state
  while (i < line.length) {
    const step =
      state === '' ? codeStep(line, i, spec) : state === 'h' ? inTag(line, i) : inState(line, i, state)
    resumeLen = tokens.length
    resumePos = i
    resumeState = state
    const open = step.end === line.length && step.kind === 'comment' && step.state !== ''
    if (open && step.end - 3 > i) {
      // Keep all but the last 3 chars: a closing `*/` or `-->` may still arrive across them.
      const cut = step.end - 3
      tokens.push({ text: line.slice(i, cut), kind: 'comment' })
      resumeLen = tokens.length
      resumePos = cut
      resumeState = step.state
      tokens.push({ text: line.slice(cut, step.end), kind: 'comment' })
    } else tokens.push({ text: line.slice(i, step.end), kind: step.kind })
    i = step.end
    state = step.state
  }
  const resume: LineCache = { tokens: tokens.slice(0, resumeLen), pos: resumePos, state: resumeState }
  return { tokens, end: state === 'l' ? '' : state, cache: resume }
}

/** Merges adjacent tokens of one kind (fewer, larger nodes for the view). */
export function mergeTokens(tokens: readonly Token[]): Token[] {
  const out: Token[] = []
  for (const t of tokens) {
    const last = out[out.length - 1]
    if (last && last.kind === t.kind) out[out.length - 1] = { text: last.text + t.text, kind: t.kind }
    else out.push(t)
  }
  return out
}
