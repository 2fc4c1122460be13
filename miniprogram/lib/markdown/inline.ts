import {
  findBacktickClose,
  findEmphasisClose,
  findLink,
  findUrlEnd,
  isAlnum,
  isAsciiPunct,
  isSpace,
  linkTarget,
  NOT_FOUND,
  runLength,
  UNKNOWN,
} from './inline-find'
import { appendText, PLAIN, type SpanStyle } from './spans'
import type { Span } from './types'

/**
 * How a scan treats the end of the text:
 * - `final`: the text is complete; unclosed markers are literal text.
 * - `stable`: more text may come; stop (return the position) at the first
 *   construct whose meaning depends on text not yet here.
 * - `preview`: render what is here as the user expects mid-stream: `**bold`
 *   shows bold text without asterisks, an unclosed backtick shows code.
 */
export type ScanMode = 'final' | 'stable' | 'preview'

const SPECIAL = new Set(['\\', '`', '*', '_', '~', '[', 'h'])

/**
 * Scans inline markdown in `text[from, to)` into `out` (normal-form spans) and
 * returns where it stopped: `to`, or in `stable` mode the start of the first
 * construct that later text could still change. Every search is bounded by
 * the current line, so resuming from the returned position keeps the total
 * work linear while a paragraph streams in.
 */
export function scanInline(
  text: string,
  from: number,
  to: number,
  mode: ScanMode,
  style: SpanStyle,
  out: Span[],
  knownUndecided = false,
): number {
  let i = from
  let plainStart = from
  const flush = (until: number) => {
    if (until > plainStart) appendText(out, text.slice(plainStart, until), style)
  }
  while (i < to) {
    const c = text[i]!
    if (!SPECIAL.has(c)) {
      i++
      continue
    }
    flush(i)
    const next = handleSpecial(text, i, to, mode, style, out, knownUndecided && i === from)
    if (next === UNKNOWN) {
      return i
    }
    if (next < 0) {
      // Literal: this character is plain text.
      plainStart = i
      i++
      continue
    }
    i = next
    plainStart = i
  }
  flush(to)
  return to
}

/**
 * Handles the construct starting at `i`: returns the position after it,
 * NOT_FOUND when the character is literal, UNKNOWN when undecided (stable mode).
 * In preview mode an undecided construct is rendered to the end and `to` returned.
 */
function handleSpecial(
  text: string,
  i: number,
  to: number,
  mode: ScanMode,
  style: SpanStyle,
  out: Span[],
  known: boolean,
): number {
  const final = mode === 'final'
  // The stable scan just found this construct undecided: the same search would say so again.
  const skip = known && mode === 'preview'
  const undecided = () => (mode === 'stable' ? UNKNOWN : to)
  const c = text[i]!
  if (c === '\\') {
    if (i + 1 >= to) return final ? NOT_FOUND : undecided()
    if (!isAsciiPunct(text[i + 1])) return NOT_FOUND
    appendText(out, text[i + 1]!, style)
    return i + 2
  }
  if (c === 'h') {
    if (style.href !== undefined || isAlnum(text[i - 1])) return NOT_FOUND
    const end = skip ? UNKNOWN : findUrlEnd(text, i, to, final)
    if (end === NOT_FOUND) return NOT_FOUND
    if (end === UNKNOWN) {
      if (mode === 'stable') return UNKNOWN
      appendText(out, text.slice(i, to), style)
      return to
    }
    const url = text.slice(i, end)
    appendText(out, url, { ...style, href: url })
    return end
  }
  const n = runLength(text, i, to)
  if (c === '`') {
    if (i + n >= to && !final) return undecided()
    const close = skip ? UNKNOWN : findBacktickClose(text, i + n, to, n, final)
    if (close === NOT_FOUND) return literalRun(text, i, n, style, out)
    if (close === UNKNOWN) {
      if (mode === 'stable') return UNKNOWN
      appendText(out, text.slice(i + n, to), { ...style, code: true })
      return to
    }
    let code = text.slice(i + n, close)
    if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '')
      code = code.slice(1, -1)
    appendText(out, code, { ...style, code: true })
    return close + n
  }
  if (c === '[') {
    if (style.href !== undefined) return NOT_FOUND
    const link = skip ? UNKNOWN : findLink(text, i, to, final)
    if (link === NOT_FOUND) return NOT_FOUND
    if (link === UNKNOWN) {
      if (mode === 'stable') return UNKNOWN
      const labelEnd = text.indexOf(']', i)
      scanInline(text, i + 1, labelEnd > i && labelEnd < to ? labelEnd : to, 'preview', style, out)
      return to
    }
    const [close, paren] = link as [number, number]
    const href = linkTarget(text.slice(close + 2, paren))
    scanInline(text, i + 1, close, 'final', href ? { ...style, href } : style, out)
    return paren + 1
  }
  // Emphasis: `*`/`_` runs of 1–3 (italic, bold, both) and `~~` (strike).
  if (i + n >= to && !final) return mode === 'stable' ? UNKNOWN : to
  const inner = emphasisStyle(text, i, n, style)
  if (!inner) return literalRun(text, i, n, style, out)
  const close = skip ? UNKNOWN : findEmphasisClose(text, i + n, to, c, n, final)
  if (close === NOT_FOUND) return literalRun(text, i, n, style, out)
  if (close === UNKNOWN) {
    if (mode === 'stable') return UNKNOWN
    scanInline(text, i + n, to, 'preview', inner, out)
    return to
  }
  scanInline(text, i + n, close, 'final', inner, out)
  return close + n
}

/** The style inside an emphasis opener run of `n` at `i`, or null when the run cannot open. */
function emphasisStyle(text: string, i: number, n: number, style: SpanStyle): SpanStyle | null {
  const c = text[i]
  const valid = c === '~' ? n === 2 : n <= 3
  const opens = valid && !isSpace(text[i + n]) && (c !== '_' || !isAlnum(text[i - 1]))
  if (!opens) return null
  if (c === '~') return { ...style, strike: true }
  return { ...style, ...(n >= 2 ? { bold: true } : {}), ...(n !== 2 ? { italic: true } : {}) }
}

/**
 * For an undecided emphasis opener at `i` (in `text` up to its end): where its
 * content starts and in which style the preview shows it; null for any other
 * construct. Lets a stream keep its own scan of a long unclosed `**bold`.
 */
export function openEmphasis(
  text: string,
  i: number,
  style: SpanStyle,
): { start: number; style: SpanStyle } | null {
  const c = text[i]
  if (c !== '*' && c !== '_' && c !== '~') return null
  const n = runLength(text, i, text.length)
  if (i + n >= text.length) return null
  const inner = emphasisStyle(text, i, n, style)
  return inner ? { start: i + n, style: inner } : null
}

function literalRun(text: string, i: number, n: number, style: SpanStyle, out: Span[]): number {
  appendText(out, text.slice(i, i + n), style)
  return i + n
}

/** Parses complete inline markdown (a heading, a table cell) into spans. */
export function parseInline(text: string): Span[] {
  const out: Span[] = []
  scanInline(text, 0, text.length, 'final', PLAIN, out)
  return out
}

/** Renders inline markdown that is still growing, hiding half-written markers. */
export function previewInline(text: string): Span[] {
  const out: Span[] = []
  scanInline(text, 0, text.length, 'preview', PLAIN, out)
  return out
}
