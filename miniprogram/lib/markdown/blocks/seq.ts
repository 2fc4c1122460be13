import { InlineStream } from '../inline-stream'
import { blockStart, type Leading, leading } from '../line-scan'
import type { Block } from '../types'
import { Code } from './code'
import { Heading, Rule } from './leaf'
import { List } from './list'
import type { BlockSeqLike, Context, LineCache, OpenBlock, RowCache } from './open'
import { Paragraph } from './paragraph'
import { Quote } from './quote'

/**
 * A sequence of blocks fed line by line (the document, a quote's or a list
 * item's content). Closed blocks are rendered once and kept; only the open
 * block at the end changes.
 */
export class BlockSeq implements BlockSeqLike {
  /** Rendered closed blocks: these objects never change. */
  readonly done: Block[] = []
  private open: OpenBlock | null = null
  /** Offset of the open block's first line (caches of text before it belong to closed blocks). */
  private openAt = 0

  constructor(private readonly ctx: Context) {}

  addLine(line: string, at: number): void {
    const open = this.open
    // Measured once here: every block below classifies the line from its indentation.
    const lead = leading(line)
    if (open) {
      if (open instanceof Paragraph) {
        const t = open.tableFrom(line, lead)
        if (t) {
          if (t.before) this.done.push(t.before)
          this.open = t.table
          return
        }
      }
      if (open.take(line, at, lead)) return
      this.done.push(open.render(true))
      this.open = null
    }
    this.open = startBlock(line, at, lead, this.ctx)
    this.openAt = at
  }

  canLazy(): boolean {
    return this.open?.canLazy() ?? false
  }

  addLazy(line: string, at: number): void {
    this.open?.addLazy(line, at)
  }

  save(): () => void {
    const n = this.done.length
    const { open, openAt } = this
    const restoreOpen = open?.save()
    return () => {
      this.done.length = n
      this.open = open
      this.openAt = openAt
      restoreOpen?.()
    }
  }

  /** Where the part that can still change starts: the open block's first line, else `end`. */
  liveFrom(end: number): number {
    return this.open ? this.openAt : end
  }

  /** Closed blocks, then the open one rendered (`closed`: as if no more text could come). */
  render(closed: boolean): Block[] {
    const blocks = this.done.slice()
    if (this.open) blocks.push(this.open.render(closed))
    return blocks
  }
}

/** Opens the block a line starts (null for a blank line). */
function startBlock(line: string, at: number, lead: Leading, ctx: Context): OpenBlock | null {
  const s = blockStart(line, lead)
  if (!s) return lead.first === line.length ? null : new Paragraph(line, at, lead, ctx)
  switch (s.kind) {
    case 'heading':
      return new Heading(s.level, line.slice(s.content))
    case 'hr':
      return new Rule()
    case 'fence':
      return new Code(s.char, s.len, s.indent, s.info, ctx)
    case 'quote':
      return new Quote(line, at, lead, ctx)
    case 'item':
      return new List(s, line, at, ctx)
  }
}

/** Scanning caches for one document or one stream; cleared when the text is replaced. */
export function createContext(): Context & { prune(committed: number, live: number): void } {
  const inline = new Map<number, InlineStream>()
  const code = new Map<number, LineCache>()
  const rows = new Map<number, RowCache>()
  const ctx = {
    inline(at: number): InlineStream {
      let s = inline.get(at)
      if (!s) {
        s = new InlineStream()
        inline.set(at, s)
      }
      return s
    },
    code,
    rows,
    seq: (): BlockSeqLike => new BlockSeq(ctx),
    /**
     * Drops caches that can no longer be used: those of complete lines (before
     * `committed`; they are never scanned again) and the paragraph scans of
     * closed top-level blocks (before `live`).
     */
    prune(committed: number, live: number): void {
      for (const map of [code, rows]) {
        for (const key of map.keys()) if (key < committed) map.delete(key)
      }
      for (const key of inline.keys()) if (key < live) inline.delete(key)
    },
  }
  return ctx
}
