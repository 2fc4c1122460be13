import { parseInline, previewInline } from '../inline'
import type { Block, HeadingBlock } from '../types'
import type { OpenBlock } from './open'

const NOOP = () => {}

/** A block of exactly one line: it takes no more lines and has no state to undo. */
abstract class OneLineBlock implements OpenBlock {
  abstract readonly kind: OpenBlock['kind']

  take(): boolean {
    return false
  }

  canLazy(): boolean {
    return false
  }

  addLazy(): void {}

  save(): () => void {
    return NOOP
  }

  abstract render(closed: boolean): Block
}

/** An ATX heading: one line, closed by whatever line follows. */
export class Heading extends OneLineBlock {
  readonly kind = 'heading'
  private readonly text: string

  constructor(
    private readonly level: HeadingBlock['level'],
    raw: string,
  ) {
    super()
    // A closing run of `#` (preceded by a space, or the whole content) is not part of the text.
    this.text = raw.trim().replace(/(^|\s+)#+$/, '')
  }

  render(closed: boolean): Block {
    return {
      type: 'heading',
      level: this.level,
      spans: closed ? parseInline(this.text) : previewInline(this.text),
    }
  }
}

/** A thematic break (`---`, `***`, `___`). */
export class Rule extends OneLineBlock {
  readonly kind = 'hr'

  render(): Block {
    return { type: 'hr' }
  }
}
