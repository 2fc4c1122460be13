import { parseInline, previewInline } from '../inline'
import type { Block, HeadingBlock } from '../types'
import type { OpenBlock } from './open'

const NOOP = () => {}

/** An ATX heading: one line, closed by whatever line follows. */
export class Heading implements OpenBlock {
  readonly kind = 'heading'
  private readonly text: string

  constructor(
    private readonly level: HeadingBlock['level'],
    raw: string,
  ) {
    // A closing run of `#` (preceded by a space, or the whole content) is not part of the text.
    this.text = raw.trim().replace(/(^|\s+)#+$/, '')
  }

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

  render(closed: boolean): Block {
    return {
      type: 'heading',
      level: this.level,
      spans: closed ? parseInline(this.text) : previewInline(this.text),
    }
  }
}

/** A thematic break (`---`, `***`, `___`). */
export class Rule implements OpenBlock {
  readonly kind = 'hr'

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

  render(): Block {
    return { type: 'hr' }
  }
}
