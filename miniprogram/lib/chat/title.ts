/** Title of a conversation that has no user message yet. */
export const DEFAULT_TITLE = '新对话'

/** Longest automatic title, in characters (not UTF-16 units, so emoji are never cut in half). */
export const TITLE_MAX_CHARS = 20

/**
 * Cuts `text` to at most `max` characters, adding "…" when it had to cut.
 * Counts code points so a surrogate pair (emoji) is never split.
 */
export function truncateChars(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

/**
 * A conversation title from the first user message: whitespace collapsed,
 * leading markdown markers (`#`, `>`, `-`, backticks) dropped, ~20 characters.
 */
export function titleFromText(text: string): string {
  const flat = text
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/^[\s#>*\-`]+/, '')
    .replace(/\s+/g, ' ')
    .trim()
  return flat === '' ? DEFAULT_TITLE : truncateChars(flat, TITLE_MAX_CHARS)
}

/** Cleans a title the user typed: trimmed, collapsed, at most 40 characters; empty is refused. */
export function normalizeTitle(title: string): string {
  const flat = title.replace(/\s+/g, ' ').trim()
  if (flat === '') throw new RangeError('标题不能为空')
  return truncateChars(flat, 40)
}
