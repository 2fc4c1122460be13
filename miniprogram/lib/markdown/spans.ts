import type { Span } from './types'

/** A span's style: every field but the text. */
export type SpanStyle = Omit<Span, 'text'>

/** No style at all. */
export const PLAIN: SpanStyle = {}

/**
 * Longest span text. Long plain runs are cut into pieces of this size so that a
 * growing paragraph resends only its last piece through path setData, never
 * the whole paragraph.
 */
export const SPAN_MAX_CHARS = 200

/** Whether two spans (or styles) have the same style. */
export function sameStyle(a: SpanStyle, b: SpanStyle): boolean {
  return (
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.code === b.code &&
    a.strike === b.strike &&
    a.href === b.href
  )
}

function makeSpan(text: string, style: SpanStyle): Span {
  const span: Span = { text }
  if (style.bold) span.bold = true
  if (style.italic) span.italic = true
  if (style.code) span.code = true
  if (style.strike) span.strike = true
  if (style.href !== undefined) span.href = style.href
  return span
}

/**
 * Appends `text` in `style` to `spans` in normal form: a run of one style is
 * cut greedily into pieces of `SPAN_MAX_CHARS` (one less when that would split
 * a surrogate pair). The normal form depends only on the runs, not on how the
 * text was fed, which is what makes incremental and one-shot parses equal.
 * Span objects are never mutated: a merged piece is a new object.
 */
export function appendText(spans: Span[], text: string, style: SpanStyle): void {
  if (text === '') return
  const last = spans[spans.length - 1]
  let rest = text
  if (last && last.text.length < SPAN_MAX_CHARS && sameStyle(last, style)) {
    rest = last.text + text
    spans.pop()
  }
  while (rest.length > SPAN_MAX_CHARS) {
    let cut = SPAN_MAX_CHARS
    const code = rest.charCodeAt(cut - 1)
    if (code >= 0xd800 && code <= 0xdbff) cut--
    spans.push(makeSpan(rest.slice(0, cut), style))
    rest = rest.slice(cut)
  }
  spans.push(makeSpan(rest, style))
}

/** The spans' text joined (what a copy action or a test reads). */
export function spansText(spans: readonly Span[]): string {
  let text = ''
  for (const span of spans) text += span.text
  return text
}
