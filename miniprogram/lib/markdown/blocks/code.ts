import { fenceLanguage, type HlState, highlightLine } from '../highlight/index'
import { closesFence, indentChars } from '../line-scan'
import type { Block, Token } from '../types'
import type { Context, OpenBlock } from './open'

/** A fenced code block; highlighted line by line as lines arrive, a growing line resumes its last token. */
export class Code implements OpenBlock {
  readonly kind = 'code'
  private readonly lines: Token[][] = []
  private state: HlState = ''
  private fenced = false
  private readonly lang: string
  private readonly label: string

  constructor(
    private readonly char: string,
    private readonly len: number,
    private readonly indent: number,
    info: string,
    private readonly ctx: Context,
  ) {
    const { lang, label } = fenceLanguage(info)
    this.lang = lang
    this.label = label
  }

  take(line: string, at: number): boolean {
    if (this.fenced) return false
    if (closesFence(line, this.char, this.len)) {
      this.fenced = true
      return true
    }
    const cut = indentChars(line, this.indent)
    const key = at + cut
    const r = highlightLine(line.slice(cut), this.lang, this.state, this.ctx.code.get(key))
    if (r.cache) this.ctx.code.set(key, r.cache)
    this.lines.push(r.tokens)
    this.state = r.state
    return true
  }

  canLazy(): boolean {
    return false
  }

  addLazy(): void {}

  save(): () => void {
    const { state, fenced } = this
    const n = this.lines.length
    return () => {
      this.lines.length = n
      this.state = state
      this.fenced = fenced
    }
  }

  render(closed: boolean): Block {
    return {
      type: 'code',
      lang: this.lang,
      label: this.label,
      lines: this.lines.slice(),
      open: !closed && !this.fenced,
    }
  }
}
