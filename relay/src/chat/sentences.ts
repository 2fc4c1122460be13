/**
 * Where a sentence (or a line) ends: Chinese and Western end punctuation, a semicolon, an ellipsis,
 * a line end; a full stop only before whitespace, so `3.14` and `e.g` do not count.
 */
const SENTENCE_END = /[。！？!?；;…\n]|\.(?=\s)/

/** Whether `text` has a sentence end in it. */
export function hasSentenceEnd(text: string): boolean {
  return SENTENCE_END.test(text)
}

/** Cuts at `at` or one before, so a UTF-16 surrogate pair is never split. */
export function safeCut(text: string, at: number): number {
  if (at >= text.length) return text.length
  const code = text.charCodeAt(at - 1)
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at
}

/** `text` in pieces of at most `size` characters (surrogate pairs kept whole). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = []
  let rest = text
  while (rest.length > size) {
    const cut = safeCut(rest, size)
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  if (rest !== '') out.push(rest)
  return out
}

/** The last `size` characters of `text` (a surrogate pair kept whole). */
export function tail(text: string, size: number): string {
  if (text.length <= size) return text
  let from = text.length - size
  const code = text.charCodeAt(from)
  if (code >= 0xdc00 && code <= 0xdfff) from++
  return text.slice(from)
}
