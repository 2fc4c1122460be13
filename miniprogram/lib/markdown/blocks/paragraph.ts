import { parseInline } from '../inline'
import type { InlineStream } from '../inline-stream'
import { blockStart, delimiterRow, type Leading, leading, splitRow } from '../line-scan'
import type { Block } from '../types'
import type { Context, OpenBlock } from './open'
import { cellSpans, Table } from './table'

/** True when a line opening `start` ends a paragraph (CommonMark: empty items and lists not starting at 1 do not). */
function interrupts(line: string, lead: Leading): boolean {
  const s = blockStart(line, lead)
  if (!s) return false
  if (s.kind === 'item') return !s.empty && (!s.ordered || s.start === 1)
  return true
}

/** Lines of text; the inline scan of a growing paragraph is resumed, never restarted. */
export class Paragraph implements OpenBlock {
  readonly kind = 'paragraph'
  private head = ''
  private last: string
  private count = 1
  private readonly stream: InlineStream
  private pipeFor = -1
  private pipeCells = 0

  constructor(
    line: string,
    at: number,
    lead: Leading,
    private readonly ctx: Context,
  ) {
    const first = lead.first
    this.last = line.slice(first)
    this.stream = ctx.inline(at + first)
  }

  private text(): string {
    return this.count === 1 ? this.last : `${this.head}\n${this.last}`
  }

  take(line: string, _at: number, lead: Leading): boolean {
    if (lead.first === line.length || interrupts(line, lead)) return false
    this.append(line.slice(lead.first))
    return true
  }

  canLazy(): boolean {
    return true
  }

  addLazy(line: string, _at: number): void {
    this.append(line.slice(leading(line).first))
  }

  private append(stripped: string): void {
    this.head = this.text()
    this.last = stripped
    this.count++
  }

  /**
   * A GFM table when `line` is a delimiter row matching the cells of the last
   * line; earlier lines stay a paragraph (`before`).
   */
  tableFrom(line: string, lead: Leading): { before: Block | null; table: Table } | null {
    const c = line[lead.first]
    if (c !== '|' && c !== '-' && c !== ':') return null
    if (this.pipeFor !== this.count) {
      // Checked once per last line, not on every update of the line after it.
      this.pipeFor = this.count
      this.pipeCells = this.last.includes('|') ? splitRow(this.last).length : 0
    }
    if (this.pipeCells === 0) return null
    const align = delimiterRow(line)
    if (!align || align.length !== this.pipeCells) return null
    const header = splitRow(this.last).map((cell) => cellSpans(cell, true))
    const before: Block | null = this.count > 1 ? { type: 'paragraph', spans: parseInline(this.head) } : null
    return { before, table: new Table(header, align, this.ctx) }
  }

  save(): () => void {
    const { head, last, count } = this
    return () => {
      this.head = head
      this.last = last
      this.count = count
    }
  }

  render(closed: boolean): Block {
    return { type: 'paragraph', spans: this.stream.render(this.text(), closed) }
  }
}
