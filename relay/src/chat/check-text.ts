import type { OutputCheck } from '../hooks'
import { pieces, tail } from './sentences'

/** Each check is given this much of the text before it: a phrase cut by a boundary is still seen whole. */
export const CONTEXT_CHARS = 100

/**
 * Starts the checks of `text`: calls of at most `check.maxChars` characters, each led by the end
 * of the text before it (`before` for the first). Returns their joint verdict and the context the
 * text after this one starts with.
 */
export function checkInCalls(
  check: OutputCheck,
  text: string,
  before: string,
): { verdict: Promise<void>; context: string } {
  let context = before
  const calls = pieces(text, Math.max(1, check.maxChars - CONTEXT_CHARS)).map((piece) => {
    const content = context + piece
    context = tail(content, CONTEXT_CHARS)
    return check.check(content)
  })
  return { verdict: Promise.all(calls).then(() => undefined), context }
}

/** A whole answer (`stream: false`), checked before any of it is sent; the calls run side by side. */
export async function checkWhole(check: OutputCheck | null, text: string): Promise<void> {
  if (check && text !== '') await checkInCalls(check, text, '').verdict
}
