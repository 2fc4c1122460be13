import { type BlockStart, blockStart, indentChars, type Leading } from '../line-scan'
import type { Block, ListItem } from '../types'
import type { BlockSeqLike, Context, OpenBlock } from './open'

type ItemStart = Extract<BlockStart, { kind: 'item' }>

interface Item {
  seq: BlockSeqLike
  /** Continuation lines need at least this indent. */
  cols: number
  checked?: boolean
  /** The rendered item once a later item started (never changes again). */
  frozen?: ListItem
}

const TASK = /^\[([ xX])\](?=\s|$)\s?/

/** A list: items hold nested documents; it ends at a line that neither continues an item nor starts one. */
export class List implements OpenBlock {
  readonly kind = 'list'
  private readonly items: Item[] = []
  private readonly ordered: boolean
  private readonly marker: string
  private readonly start: number
  /** The last line was blank: a lazy continuation can no longer follow. */
  private blank = false

  constructor(
    s: ItemStart,
    line: string,
    at: number,
    private readonly ctx: Context,
  ) {
    this.ordered = s.ordered
    this.marker = s.marker
    this.start = s.start
    this.addItem(s, line, at)
  }

  private addItem(s: ItemStart, line: string, at: number): void {
    const item: Item = { seq: this.ctx.seq(), cols: s.contentCols }
    let content = s.content
    const task = TASK.exec(line.slice(content, content + 4))
    if (task) {
      item.checked = task[1] !== ' '
      content += task[0].length
    }
    item.seq.addLine(line.slice(content), at + content)
    this.items.push(item)
  }

  private renderItem(item: Item, closed: boolean): ListItem {
    if (item.frozen) return item.frozen
    const out: ListItem = { blocks: item.seq.render(closed) }
    if (item.checked !== undefined) out.checked = item.checked
    return out
  }

  take(line: string, at: number, lead: Leading): boolean {
    const item = this.items[this.items.length - 1]!
    if (lead.first === line.length) {
      item.seq.addLine('', at + line.length)
      this.blank = true
      return true
    }
    if (lead.cols >= item.cols) {
      const cut = indentChars(line, item.cols)
      item.seq.addLine(line.slice(cut), at + cut)
      this.blank = false
      return true
    }
    const s = blockStart(line, lead)
    if (s?.kind === 'item' && s.ordered === this.ordered && s.marker === this.marker) {
      item.frozen = this.renderItem(item, true)
      this.addItem(s, line, at)
      this.blank = false
      return true
    }
    if (!this.blank && !s && item.seq.canLazy()) {
      item.seq.addLazy(line, at)
      return true
    }
    return false
  }

  canLazy(): boolean {
    return !this.blank && this.items[this.items.length - 1]!.seq.canLazy()
  }

  addLazy(line: string, at: number): void {
    this.items[this.items.length - 1]!.seq.addLazy(line, at)
  }

  save(): () => void {
    const n = this.items.length
    const item = this.items[n - 1]!
    const { frozen } = item
    const blank = this.blank
    const restoreItem = item.seq.save()
    return () => {
      this.items.length = n
      item.frozen = frozen
      this.blank = blank
      restoreItem()
    }
  }

  render(closed: boolean): Block {
    return {
      type: 'list',
      ordered: this.ordered,
      start: this.start,
      items: this.items.map((item) => this.renderItem(item, closed)),
    }
  }
}
