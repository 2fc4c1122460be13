/**
 * Searches for the end of an inline construct. Each search stops at the end
 * of the line, which bounds the work of retrying it while a line streams in.
 */

/** Search result: the construct is not there (its marker is literal text). */
export const NOT_FOUND = -1
/** Search result: text not yet received decides it. */
export const UNKNOWN = -2

/** Whitespace, or outside the text (flanking rules treat the ends as space). */
export function isSpace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r'
}

/** ASCII letter or digit (`_` is intraword between these). */
export function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9]/.test(c)
}

/** ASCII punctuation: the chars a backslash can escape. */
export function isAsciiPunct(c: string | undefined): boolean {
  return c !== undefined && /[!-/:-@[-`{-~]/.test(c)
}

/** Length of the run of `text[at]` starting at `at`. */
export function runLength(text: string, at: number, end: number): number {
  const c = text[at]
  let p = at
  while (p < end && text[p] === c) p++
  return p - at
}

/** `runLength`, or UNKNOWN when the run reaches the end of the text so far (more may follow). */
function settledRunLength(text: string, at: number, end: number, final: boolean): number {
  const m = runLength(text, at, end)
  return at + m >= end && !final ? UNKNOWN : m
}

/** The closing backtick run of exactly `n` on this line, from `from`. */
export function findBacktickClose(
  text: string,
  from: number,
  end: number,
  n: number,
  final: boolean,
): number {
  for (let p = from; p < end; ) {
    if (text[p] === '\n') return NOT_FOUND
    if (text[p] !== '`') {
      p++
      continue
    }
    const m = settledRunLength(text, p, end, final)
    if (m === UNKNOWN) return UNKNOWN
    if (m === n) return p
    p += m
  }
  return final ? NOT_FOUND : UNKNOWN
}

/**
 * The closing run for an emphasis opener of `k` × `ch`, on the same line
 * (emphasis does not span lines here, which bounds every search by a line).
 */
export function findEmphasisClose(
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
    if (c === '\n') return NOT_FOUND
    if (c === '\\') p += 2
    else if (c === '`') {
      const m = runLength(text, p, end)
      const close = findBacktickClose(text, p + m, end, m, final)
      if (close === UNKNOWN) return UNKNOWN
      p = close === NOT_FOUND ? p + m : close + m
    } else if (c === ch) {
      const m = settledRunLength(text, p, end, final)
      if (m === UNKNOWN) return UNKNOWN
      const closes = !isSpace(text[p - 1]) && (ch !== '_' || !isAlnum(text[p + m]))
      if (m === k && closes && p > from) return p
      p += m
    } else p++
  }
  return final ? NOT_FOUND : UNKNOWN
}

/** `[label](url)`: positions of `]` and `)`, NOT_FOUND when it is no link, UNKNOWN when undecided. */
export function findLink(text: string, at: number, end: number, final: boolean): [number, number] | number {
  let p = at + 1
  while (p < end && text[p] !== ']' && text[p] !== '\n') p += text[p] === '\\' ? 2 : 1
  if (p >= end) return final ? NOT_FOUND : UNKNOWN
  if (text[p] === '\n') return NOT_FOUND
  const close = p
  if (close + 1 >= end) return final ? NOT_FOUND : UNKNOWN
  if (text[close + 1] !== '(') return NOT_FOUND
  p = close + 2
  while (p < end && text[p] !== ')' && text[p] !== '\n') p++
  if (p >= end) return final ? NOT_FOUND : UNKNOWN
  return text[p] === ')' ? [close, p] : NOT_FOUND
}

/** The URL of a link destination (`<url>` or `url "title"`). */
export function linkTarget(raw: string): string {
  const target = raw.trim().split(/\s+/)[0] ?? ''
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target
}

const URL_PREFIXES = ['https://', 'http://']

/** End of a bare URL starting at `at`, NOT_FOUND when there is none, UNKNOWN when undecided. */
export function findUrlEnd(text: string, at: number, end: number, final: boolean): number {
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
