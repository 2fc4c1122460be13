import { BlockSeq, createContext } from './blocks/seq'
import { feedLines, stripCr } from './document'
import { sameTree } from './equal'
import type { Block } from './types'

/** One update's result: the blocks of the whole text so far (unchanged ones keep their identity). */
export interface MarkdownUpdate {
  blocks: Block[]
}

/** Renders a growing text: see `createIncrementalMarkdown`. */
export interface IncrementalMarkdown {
  update(fullText: string): MarkdownUpdate
  /** Forgets everything (the next update parses from scratch). */
  reset(): void
}

/** How many chars at each end of the previous text are compared to detect a replaced text. */
const CHECK = 32

function isGrowth(prev: string, text: string): boolean {
  if (text.length < prev.length) return false
  const tail = Math.max(0, prev.length - CHECK)
  return text.startsWith(prev.slice(0, CHECK)) && text.startsWith(prev.slice(tail), tail)
}

/**
 * Streaming markdown: `update(fullText)` with the whole answer so far returns
 * the blocks of `parseMarkdown(fullText)`, but only complete lines are parsed
 * for good; the last, partial line is applied tentatively and undone before
 * the next update. Closed blocks keep their object identity forever; scanning
 * caches keyed by text offset resume the growing paragraph, code line and
 * table row, so the total work stays linear in the text length.
 *
 * Returned arrays and objects are never mutated afterwards, so a view may
 * keep them (and diff them by identity) without copying.
 *
 * Texts that do not extend the previous one (checked at both ends, not in the
 * middle) reset the parser; call `reset()` after an edit inside the text.
 */
export function createIncrementalMarkdown(): IncrementalMarkdown {
  let ctx = createContext()
  let root = new BlockSeq(ctx)
  let prev = ''
  let committed = 0
  let undo: (() => void) | null = null
  let prevBlocks: Block[] = []
  let stableCount = 0

  const restart = () => {
    ctx = createContext()
    root = new BlockSeq(ctx)
    prev = ''
    committed = 0
    undo = null
    stableCount = 0
  }
  const reset = () => {
    restart()
    prevBlocks = []
  }

  const update = (text: string): MarkdownUpdate => {
    // A replaced text is parsed afresh but still compared with the last blocks, so equal ones keep identity.
    if (!isGrowth(prev, text)) restart()
    undo?.()
    undo = null
    const before = committed
    committed = feedLines(root, text, committed, Math.max(committed, prev.length))
    if (committed > before) ctx.prune(committed, root.liveFrom(committed))
    prev = text
    const firstUnsure = Math.min(stableCount, root.done.length)
    stableCount = root.done.length
    if (committed < text.length) {
      undo = root.save()
      root.addLine(stripCr(text.slice(committed)), committed)
    }
    const blocks = root.render(false)
    for (let i = firstUnsure; i < blocks.length; i++) {
      const old = prevBlocks[i]
      if (old && old !== blocks[i] && sameTree(old, blocks[i])) {
        // Keep the object the view already has; closed blocks must keep it from now on too.
        blocks[i] = old
        if (i < root.done.length) root.done[i] = old
      }
    }
    prevBlocks = blocks
    return { blocks }
  }

  return { update, reset }
}
