import { blockStart, type Leading } from '../line-scan'
import type { Block } from '../types'
import type { BlockSeqLike, Context, OpenBlock } from './open'

/** Strips a `>` marker (and one following space); null when the line has none. */
function unquote(line: string, lead: Leading): number | null {
  const { cols, first } = lead
  if (cols >= 4 || line[first] !== '>') return null
  return line[first + 1] === ' ' || line[first + 1] === '\t' ? first + 2 : first + 1
}

/** A block quote: `>` lines hold a nested document; a paragraph inside takes lazy lines without `>`. */
export class Quote implements OpenBlock {
  readonly kind = 'quote'
  private readonly seq: BlockSeqLike

  constructor(line: string, at: number, lead: Leading, ctx: Context) {
    this.seq = ctx.seq()
    this.take(line, at, lead)
  }

  take(line: string, at: number, lead: Leading): boolean {
    const cut = unquote(line, lead)
    if (cut !== null) {
      this.seq.addLine(line.slice(cut), at + cut)
      return true
    }
    if (lead.first < line.length && !blockStart(line, lead) && this.seq.canLazy()) {
      this.seq.addLazy(line, at)
      return true
    }
    return false
  }

  canLazy(): boolean {
    return this.seq.canLazy()
  }

  addLazy(line: string, at: number): void {
    this.seq.addLazy(line, at)
  }

  save(): () => void {
    return this.seq.save()
  }

  render(closed: boolean): Block {
    return { type: 'blockquote', blocks: this.seq.render(closed) }
  }
}
