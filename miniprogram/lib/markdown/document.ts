import { BlockSeq, createContext } from './blocks/seq'
import type { Block } from './types'

/** Feeds the complete lines of `text[from, to)` (to is just after a '\n') to `seq`; returns the new `from`. */
export function feedLines(seq: BlockSeq, text: string, from: number, searchFrom: number): number {
  let start = from
  let nl = text.indexOf('\n', searchFrom)
  while (nl >= 0) {
    seq.addLine(stripCr(text.slice(start, nl)), start)
    start = nl + 1
    nl = text.indexOf('\n', start)
  }
  return start
}

/** A CRLF line ends in '\r' before its '\n'. */
export function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/**
 * Parses markdown in one pass. The end of the text is treated as "more may
 * come": an unclosed fence is an open code block and `**bold` without its end
 * shows bold, exactly as the streaming renderer shows the same text.
 */
export function parseMarkdown(text: string): Block[] {
  const seq = new BlockSeq(createContext())
  const end = feedLines(seq, text, 0, 0)
  if (end < text.length) seq.addLine(stripCr(text.slice(end)), end)
  return seq.render(false)
}
