import { appendText, PLAIN, type SpanStyle } from './spans'
import type { Span } from './types'
import { countWork } from './work'

/**
 * How a scan treats the end of the text:
 * - `final`: the text is complete; unclosed markers are literal text.
 * - `stable`: more text may come; stop (return the position) at the first
 *   construct whose meaning depends on text not yet here.
 * - `preview`: render what is here as the user expects mid-stream: `**bold`
 *   shows bold text without asterisks, an unclosed backtick shows code.
 */
export type ScanMode = 'final' | 'stable' | 'preview'

/** Result of looking for a closing marker. */
const NOT_FOUND = -1
const UNKNOWN = -2

function isSpace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r'
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9]/.test(c)
}

function isAsciiPunct(c: string | undefined): boolean {
  return c !== undefined && /[!-/:-@[-`{-~]/.test(c)
}

function runLength(text: string, at: number, end: number): number {
  const c = text[at]
  let p = at
  while (p < end && text[p] === c) p++
  return p - at
}

/** The closing backtick run of exactly `n` on this line, from `from`. */
function findBacktickClose(text: string, from: number, end: number, n: number, final: boolean): number {
  let p = from
  while (p < end) {
    const c = text[p]
    if (c === '\n') {
      countWork(p - from)
      return NOT_FOUND
    }
    if (c === '`') {
      const m = runLength(text, p, end)
      if (p + m >= end && !final) {
        countWork(p - from)
        return UNKNOWN
      }
      if (m === n) {
        countWork(p - from)
        return p
      }
      p += m
    } else p++
  }
  countWork(p - from)
  return final ? NOT_FOUND : UNKNOWN
}

/**
 * The closing run for an emphasis opener of `k` × `ch`, on the same line
 * (emphasis does not span lines here, which bounds every search by a line).
 */
function findEmphasisClose(
  text: string,
  from: number,
  end: number,
  ch: string,
  k: number,
  final: boolean,
): number {
  let p = from
  while (p < end) {
    const c = text[p]
    if (c === '\n') {
      countWork(p - from)
      return NOT_FOUND
    }
    if (c === '\\') p += 2
    else if (c === '`') {
      const m = runLength(text, p, end)
      const close = findBacktickClose(text, p + m, end, m, final)
      if (close === UNKNOWN) return UNKNOWN
      p = close === NOT_FOUND ? p + m : close + m
    } else if (c === ch) {
      const m = runLength(text, p, end)
      if (p + m >= end && !final) {
        countWork(p - from)
        return UNKNOWN
      }
      const closes = !isSpace(text[p - 1]) && (ch !== '_' || !isAlnum(text[p + m]))
      if (m === k && closes && p > from) {
        countWork(p - from)
        return p
      }
      p += m
    } else p++
  }
  countWork(Math.min(p, end) - from)
  return final ? NOT_FOUND : UNKNOWN
}

/** `[label](url)`: positions of `]` and `)`, NOT_FOUND when it is no link, UNKNOWN when undecided. */
function findLink(text: string, at: number, end: number, final: boolean): [number, number] | number {
  let p = at + 1
  while (p < end && text[p] !== ']' && text[p] !== '\n') p += text[p] === '\\' ? 2 : 1
  countWork(p - at)
  if (p >= end) return final ? NOT_FOUND : UNKNOWN
  if (text[p] === '\n') return NOT_FOUND
  const close = p
  if (close + 1 >= end) return final ? NOT_FOUND : UNKNOWN
  if (text[close + 1] !== '(') return NOT_FOUND
  p = close + 2
  while (p < end && text[p] !== ')' && text[p] !== '\n') p++
  countWork(p - close)
  if (p >= end) return final ? NOT_FOUND : UNKNOWN
  return text[p] === ')' ? [close, p] : NOT_FOUND
}

function linkTarget(raw: string): string {
  const target = raw.trim().split(/\s+/)[0] ?? ''
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target
}

const URL_PREFIXES = ['https://', 'http://']

/** End of a bare URL starting at `at`, NOT_FOUND when there is none, UNKNOWN when undecided. */
function findUrlEnd(text: string, at: number, end: number, final: boolean): number {
  const head = text.slice(at, at + 8)
  const prefix = URL_PREFIXES.find((p) => head.startsWith(p))
  if (!prefix) {
    const couldGrow = !final && at + head.length >= end && URL_PREFIXES.some((p) => p.startsWith(head))
    return couldGrow ? UNKNOWN : NOT_FOUND
  }
  let p = at + prefix.length
  while (p < end) {
    const code = text.charCodeAt(p)
    if (code <= 0x20 || code >= 0x7f || code === 0x3c || code === 0x3e || code === 0x22 || code === 0x60)
      break
    p++
  }
  countWork(p - at)
  if (p >= end && !final) return UNKNOWN
  // Trailing punctuation belongs to the sentence, as do unbalanced closing parentheses.
  while (p > at + prefix.length) {
    const c = text[p - 1]!
    if ('.,;:!?\'"*_~'.includes(c)) p--
    else if (c === ')' && text.slice(at, p).split('(').length <= text.slice(at, p).split(')').length - 1) p--
    else break
  }
  return p > at + prefix.length ? p : NOT_FOUND
}

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
  // Chars stepped over here; constructs count the chars their own searches examine.
  let stepped = 0
  const flush = (until: number) => {
    if (until > plainStart) appendText(out, text.slice(plainStart, until), style)
  }
  while (i < to) {
    const c = text[i]!
    stepped++
    if (!SPECIAL.has(c)) {
      i++
      continue
    }
    flush(i)
    const next = handleSpecial(text, i, to, mode, style, out, knownUndecided && i === from)
    if (next === UNKNOWN) {
      countWork(stepped)
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
  countWork(stepped)
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
  const valid = c === '~' ? n === 2 : n <= 3
  const opens = valid && !isSpace(text[i + n]) && (c !== '_' || !isAlnum(text[i - 1]))
  if (!opens) return literalRun(text, i, n, style, out)
  const inner: SpanStyle =
    c === '~'
      ? { ...style, strike: true }
      : { ...style, ...(n >= 2 ? { bold: true } : {}), ...(n !== 2 ? { italic: true } : {}) }
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

/**
 * Inline markdown that grows at its end (a streaming paragraph or table cell).
 * Text before the first undecided construct is scanned once and its spans
 * kept; each `render` scans only from there, so streaming a paragraph costs
 * about one parse of it instead of one parse per update.
 */
export class InlineStream {
  private pos = 0
  private last = -1
  /** Text length when the stable scan last stopped short of the end, else -1. */
  private blocked = -1
  private stable: Span[] = []

  /**
   * Spans of `text`, which must extend the text of the previous call (or be
   * cut back to a point the stable scan has not passed: then the scan restarts).
   * `final` renders unclosed markers literally, otherwise as the user expects
   * mid-stream. The cache only ever advances in `stable` mode, so a final
   * render never commits a decision that more text could change.
   */
  render(text: string, final: boolean): Span[] {
    if (this.pos > text.length || (this.pos > 0 && text.charCodeAt(this.pos - 1) !== this.last)) {
      this.pos = 0
      this.stable = []
      this.blocked = -1
    }
    if (this.blocked < 0 || mayDecide(text, this.pos, this.blocked)) {
      this.pos = scanInline(text, this.pos, text.length, 'stable', PLAIN, this.stable)
      this.last = this.pos > 0 ? text.charCodeAt(this.pos - 1) : -1
    }
    this.blocked = this.pos < text.length ? text.length : -1
    const spans = this.stable.slice()
    if (this.pos < text.length)
      scanInline(text, this.pos, text.length, final ? 'final' : 'preview', PLAIN, spans, true)
    return spans
  }
}

/**
 * Whether text appended since `since` can settle the undecided construct at
 * `at`: only certain chars can (a closing marker, the end of a line or of a
 * URL). Skipping the retry otherwise keeps a long unclosed `**bold` or link
 * from being searched twice per update.
 */
function mayDecide(text: string, at: number, since: number): boolean {
  if (since - at <= 8) return true
  const c = text[at]
  // A marker run that reached the old end is decided by whatever char follows it.
  let run = at
  while (run < since && text[run] === c) run++
  if (run >= since) return true
  countWork(text.length - since)
  for (let i = since; i < text.length; i++) {
    const d = text[i]!
    if (d === '\n' || d === '\\') return true
    if (c === 'h') {
      const code = text.charCodeAt(i)
      if (code <= 0x20 || code >= 0x7f || '<>"`'.includes(d)) return true
    } else if (c === '[') {
      if (d === ']' || d === '(' || d === ')') return true
    } else if (d === c || d === '`') return true
  }
  return false
}
