import type { LineCache } from '../highlight/index'
import type { Leading } from '../line-scan'

export type { LineCache }

import type { InlineStream } from '../inline-stream'
import type { Block, Span } from '../types'

/**
 * A block that may still take lines. Lines arrive with `at`, the offset of
 * their first char in the whole text: caches of scanning work are keyed by it,
 * because an offset names the same text for as long as the text only grows.
 */
export interface OpenBlock {
  readonly kind: 'paragraph' | 'heading' | 'hr' | 'code' | 'table' | 'list' | 'quote'
  /** Takes the next line, or returns false (without changing anything) when the block ends before it. */
  take(line: string, at: number, lead: Leading): boolean
  /** True when the deepest open block is a paragraph (it may take a lazy continuation line). */
  canLazy(): boolean
  /** Gives a lazy continuation line to that paragraph. */
  addLazy(line: string, at: number): void
  /** Captures the mutable state; the returned function puts it back (undoing a tentative last line). */
  save(): () => void
  /** The render tree of the block; `closed` when no more lines can come (unclosed markers are literal). */
  render(closed: boolean): Block
}

/** A table row being typed: cells closed by a pipe are parsed once. */
export interface RowCache {
  /** Index after the last pipe scanned. */
  pos: number
  cells: Span[][]
}

/** Scanning caches shared by one parse (a document or a stream of updates). */
export interface Context {
  inline(at: number): InlineStream
  code: Map<number, LineCache>
  rows: Map<number, RowCache>
  /** A fresh block sequence (for list items and block quotes). */
  seq(): BlockSeqLike
}

/** What containers need from a block sequence (kept as an interface to avoid an import cycle). */
export interface BlockSeqLike {
  addLine(line: string, at: number): void
  canLazy(): boolean
  addLazy(line: string, at: number): void
  save(): () => void
  render(closed: boolean): Block[]
}
