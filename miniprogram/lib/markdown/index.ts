/**
 * Markdown for streamed chat answers: a render tree of plain JSON (see
 * types.ts) built incrementally, so a growing answer is never re-parsed whole.
 *
 * Supported: ATX headings, paragraphs, fenced code (``` and ~~~, info string,
 * highlighting), lists (ordered/bullet, nested, tasks), block quotes (lazy
 * lines), GFM tables, thematic breaks; inline emphasis, strong, strike, code,
 * links, http(s) autolinks and escapes.
 * Not supported, by choice: setext headings (`---` under text is a break),
 * indented code blocks (indented text stays text), HTML blocks, reference
 * links, images (the alt text shows as a link), hard line breaks (a newline
 * in a paragraph is kept as "\n"), emphasis spanning lines.
 */
export { parseMarkdown } from './document'
export { finishedText } from './finished'
export { highlight, highlightLine, normalizeLang } from './highlight/index'
export { createIncrementalMarkdown, type IncrementalMarkdown } from './incremental'
export type * from './types'
