/**
 * Markdown for streamed chat answers: a render tree of plain JSON (see
 * types.ts) built incrementally, so a growing answer is never re-parsed whole.
 */
import type { CodeBlock } from './types'

export { parseMarkdown } from './document'
export { fenceLanguage, highlight, highlightLine, normalizeLang } from './highlight'
export { createIncrementalMarkdown, type IncrementalMarkdown, type MarkdownUpdate } from './incremental'
export { parseInline, previewInline } from './inline'
export { spansText } from './spans'
export type * from './types'
export { countWork, markdownWork } from './work'

/** The code of a code block as written (for the copy button). */
export function codeText(block: CodeBlock): string {
  return block.lines.map((line) => line.map((t) => t.text).join('')).join('\n')
}
