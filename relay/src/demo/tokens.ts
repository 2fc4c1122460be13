/**
 * Splits text into token-sized pieces that join back to exactly the input:
 * one or two CJK characters, a word with its leading space, a run of
 * whitespace, or a single other character (surrogate pairs kept whole).
 */
export function tokenize(text: string): string[] {
  return text.match(/[\u3400-\u9fff]{1,2}|[ \t]*[\p{L}\p{N}_]+|\s+|[\s\S]/gu) ?? []
}

/** A rough token count for usage numbers (the demo has no real tokenizer). */
export function countTokens(text: string): number {
  return tokenize(text).length
}
