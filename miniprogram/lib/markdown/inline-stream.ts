import { openEmphasis, scanInline } from './inline'
import { PLAIN, SPAN_MAX_CHARS, type SpanStyle, sameStyle } from './spans'
import type { Span } from './types'

/**
 * Inline markdown that grows at its end (a streaming paragraph or table cell).
 * Text before the first undecided construct is scanned once and its spans
 * kept; each `render` scans only from there, so streaming a paragraph costs
 * about one parse of it instead of one parse per update.
 */
export class InlineStream {
  private pos: number
  private last = -1
  /** Text length when the stable scan last stopped short of the end, else -1. */
  private blocked = -1
  private stable: Span[]
  /** The content of an unclosed emphasis at `pos`, streamed on its own (preview only). */
  private inner: { at: number; start: number; searched: number; stream: InlineStream } | null = null

  /**
   * Scans `text` from `start` (0, or where a construct's content starts) in
   * `style`, appending to `seed` (a preceding span the content may merge with).
   */
  constructor(
    private readonly start = 0,
    private readonly style: SpanStyle = PLAIN,
    private readonly seed: readonly Span[] = [],
  ) {
    this.pos = start
    this.stable = seed.slice()
  }

  /**
   * Spans of `text`, which must extend the text of the previous call (or be
   * cut back to a point the stable scan has not passed: then the scan restarts).
   * `final` renders unclosed markers literally, otherwise as the user expects
   * mid-stream. The cache only ever advances in `stable` mode, so a final
   * render never commits a decision that more text could change.
   */
  render(text: string, final: boolean): Span[] {
    const { start, style } = this
    if (this.pos > text.length || (this.pos > start && text.charCodeAt(this.pos - 1) !== this.last)) {
      this.pos = start
      this.stable = this.seed.slice()
      this.blocked = -1
    }
    if (this.blocked < 0 || mayDecide(text, this.pos, this.blocked)) {
      this.pos = scanInline(text, this.pos, text.length, 'stable', style, this.stable)
      this.last = this.pos > start ? text.charCodeAt(this.pos - 1) : -1
    }
    this.blocked = this.pos < text.length ? text.length : -1
    const spans = this.stable.slice()
    if (this.pos >= text.length) return spans
    if (!final) {
      const inner = this.previewInner(text, spans)
      if (inner) return spans.concat(inner)
    }
    scanInline(text, this.pos, text.length, final ? 'final' : 'preview', style, spans, true)
    return spans
  }

  /**
   * The preview of an unclosed emphasis (or of a link label with no `]` yet)
   * at `pos` from a nested stream, so its growing content is not rescanned on
   * every update. Null when the construct is something else. When the content
   * continues the style of the last stable span, that span seeds the nested
   * stream so the spans keep their normal form.
   */
  private previewInner(text: string, spans: Span[]): Span[] | null {
    const { pos } = this
    let open = openEmphasis(text, pos, this.style)
    if (!open && text[pos] === '[' && this.style.href === undefined) {
      // Mirrors the label preview: the rest of the text while no `]` follows.
      const from = this.inner?.at === pos ? this.inner.searched : pos
      if (text.indexOf(']', from) < 0) open = { start: pos + 1, style: this.style }
    }
    if (!open) return null
    const last = spans[spans.length - 1]
    const merge = last !== undefined && last.text.length < SPAN_MAX_CHARS && sameStyle(last, open.style)
    if (this.inner?.at !== pos || this.inner.start !== open.start) {
      const stream = new InlineStream(open.start, open.style, merge ? [last] : [])
      this.inner = { at: pos, start: open.start, searched: pos, stream }
    }
    this.inner.searched = text.length
    const inner = this.inner.stream.render(text, false)
    if (merge) spans.pop()
    return inner
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
  // From the old last char: a marker run that ended the old text is decided by the char after it.
  for (let i = since - 1; i < text.length; i++) {
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
