/**
 * The render tree: plain JSON the WXML templates walk with `wx:for`. Inline
 * text is a flat array of spans (no HTML strings, no `rich-text`).
 */

/** A run of text with one style. Flags are present only when true, to keep setData small. */
export interface Span {
  text: string
  bold?: true
  italic?: true
  code?: true
  strike?: true
  /** Link target; mini programs cannot open it, the view copies it on tap. */
  href?: string
}

/** Syntax-highlight classes; the view maps each to a colour (`tok-keyword`, …). */
export type TokenKind = 'plain' | 'keyword' | 'string' | 'comment' | 'number' | 'punct' | 'type' | 'tag'

/** A highlighted piece of one code line. */
export interface Token {
  text: string
  kind: TokenKind
}

/** Column alignment of a table. */
export type Align = 'left' | 'center' | 'right' | null

export interface HeadingBlock {
  type: 'heading'
  level: 1 | 2 | 3 | 4 | 5 | 6
  spans: Span[]
}

export interface ParagraphBlock {
  type: 'paragraph'
  /** Line breaks inside the paragraph stay as "\n" in span text (render with a `<text>` node). */
  spans: Span[]
}

/** One list item: its own blocks (usually one paragraph; may hold a nested list or code). */
export interface ListItem {
  blocks: Block[]
  /** Task items (`- [ ]` / `- [x]`) only. */
  checked?: boolean
}

export interface ListBlock {
  type: 'list'
  ordered: boolean
  /** Number of the first item of an ordered list. */
  start: number
  items: ListItem[]
}

export interface BlockquoteBlock {
  type: 'blockquote'
  blocks: Block[]
}

export interface TableBlock {
  type: 'table'
  align: Align[]
  /** Header cells, each a span array. */
  header: Span[][]
  /** Body rows; every row has exactly `header.length` cells. */
  rows: Span[][][]
}

export interface CodeBlock {
  type: 'code'
  /** Normalized language id (`js`, `python`, …) or '' when unknown. */
  lang: string
  /** Label for the header bar (the info string's first word as written, or "代码"). */
  label: string
  /** One token array per line (highlighted tokens of the code as written). */
  lines: Token[][]
  /** True while the closing fence has not arrived yet (still streaming). */
  open: boolean
}

export interface ThematicBreakBlock {
  type: 'hr'
}

/** Any block of the render tree. */
export type Block =
  | HeadingBlock
  | ParagraphBlock
  | ListBlock
  | BlockquoteBlock
  | TableBlock
  | CodeBlock
  | ThematicBreakBlock
