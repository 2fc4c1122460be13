import { parseInline, previewInline } from '../inline'
import { blockStart, type Leading } from '../line-scan'
import type { Align, Block, Span } from '../types'
import type { Context, OpenBlock } from './open'

/** Inline spans of a cell: GFM unescapes `\|` first, even inside code spans. */
export function cellSpans(raw: string, final: boolean): Span[] {
  const text = raw.trim().replace(/\\\|/g, '|')
  return final ? parseInline(text) : previewInline(text)
}

/** A GFM table after its delimiter row; every following line is a row until a blank line or another block. */
export class Table implements OpenBlock {
  readonly kind = 'table'
  private readonly lines: string[] = []
  private readonly offsets: number[] = []
  /** Rendered rows that can no longer change (all but the last). */
  private readonly done: Span[][][] = []

  constructor(
    private readonly header: Span[][],
    private readonly align: Align[],
    private readonly ctx: Context,
  ) {}

  take(line: string, at: number, lead: Leading): boolean {
    if (lead.first === line.length || blockStart(line, lead)) return false
    this.lines.push(line)
    this.offsets.push(at)
    return true
  }

  canLazy(): boolean {
    return false
  }

  addLazy(): void {}

  save(): () => void {
    const n = this.lines.length
    return () => {
      this.lines.length = n
      this.offsets.length = n
      if (this.done.length > n) this.done.length = n
    }
  }

  /** Cells of one row, resuming after the last pipe seen (a row grows while it is typed). */
  private row(index: number, final: boolean): Span[][] {
    const line = this.lines[index]!
    const at = this.offsets[index]!
    let cache = this.ctx.rows.get(at)
    if (!cache || cache.pos > line.length) {
      const first = line.search(/\S/)
      cache = { pos: first >= 0 && line[first] === '|' ? first + 1 : 0, cells: [] }
    }
    let start = cache.pos
    const cells = cache.cells.slice()
    for (let i = start; i < line.length; i++) {
      const c = line[i]
      if (c === '\\') i++
      else if (c === '|') {
        cells.push(cellSpans(line.slice(start, i), true))
        start = i + 1
      }
    }
    this.ctx.rows.set(at, { pos: start, cells: cells.slice() })
    const rest = line.slice(start)
    if (rest.trim() !== '' || cells.length === 0) cells.push(cellSpans(rest, final))
    const width = this.header.length
    while (cells.length < width) cells.push([])
    if (cells.length > width) cells.length = width
    return cells
  }

  render(closed: boolean): Block {
    const last = this.lines.length - 1
    for (let i = this.done.length; i < last; i++) this.done.push(this.row(i, true))
    const rows = this.done.slice(0, Math.max(last, 0))
    if (last >= 0) rows.push(this.row(last, closed))
    return { type: 'table', align: this.align, header: this.header, rows }
  }
}
