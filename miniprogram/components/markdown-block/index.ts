import type { Block, CodeBlock } from '../../lib/markdown/types'
import { currentAppInfo } from '../../services/app-info'
import { loadSettings } from '../../services/settings'
import { copyAiText, copyText } from '../../services/ui'

/** The plain text of a code block, for the copy button (null items are setData tombstones, see lib/view diff). */
function codeBlockText(block: CodeBlock): string {
  return block.lines
    .filter((line) => line !== null)
    .map((line) => line.map((token) => token?.text ?? '').join(''))
    .join('\n')
}

/**
 * One markdown block of an answer (heading, paragraph, list, quote, table,
 * code, rule). Lists and quotes render their child blocks with this same
 * component. Links cannot be opened in a mini program: a tap copies them.
 */
Component({
  properties: {
    /** The block to render (lib/markdown Block). */
    block: { type: Object, value: { type: 'paragraph', spans: [] } },
  },
  methods: {
    onLinkTap(event: WechatMiniprogram.TouchEvent) {
      const href = (event.currentTarget.dataset as { href?: string }).href
      if (!href) return
      copyText(href, '链接已复制')
    },
    onCopyCode() {
      const block = this.data.block as unknown as Block
      if (block.type !== 'code') return
      // Code from an answer is AI text too: the label goes on a line after it, not into the code.
      copyAiText(codeBlockText(block), currentAppInfo(loadSettings().relayUrl).aiLabel, '代码已复制')
    },
  },
})
