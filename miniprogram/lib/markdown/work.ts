/**
 * Characters examined by the markdown parser and highlighter, summed over all
 * parsers. Only benchmarks read it (to show the streaming work is linear); the
 * cost of keeping it is one addition per scanned stretch.
 */
export const markdownWork = { chars: 0 }

/** Counts `n` scanned characters. */
export function countWork(n: number): void {
  markdownWork.chars += n
}
