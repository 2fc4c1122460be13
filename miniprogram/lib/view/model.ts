import { type Conversation, lastUserIndex, type Message, streamingMessage } from '../chat/index'
import { finishedText } from '../markdown/finished'
import { createIncrementalMarkdown, type IncrementalMarkdown, parseMarkdown } from '../markdown/index'
import type { Block } from '../markdown/types'
import { diffInto, type Patch } from './diff'
import { messageView } from './render'
import type { ChatMeta, MessageView } from './types'

function metaOf(conversation: Conversation): ChatMeta {
  return {
    streaming: streamingMessage(conversation) !== undefined,
    empty: conversation.messages.length === 0,
    lastUserIndex: lastUserIndex(conversation),
    title: conversation.title,
    conversationId: conversation.id,
  }
}

/**
 * Turns successive conversation states into minimal setData patches: all the chat page's data
 * that comes from the conversation (the messages and the `ChatMeta` fields) goes through here and
 * one diff. It keeps what the page already shows (`sent`) and what it should show (`views`);
 * `flush` sends only the paths that differ, for the messages marked dirty.
 * Streaming answers go through one incremental markdown parser each, so
 * finished blocks are neither re-parsed nor re-sent.
 */
export class ChatViewModel {
  private messages: Message[] = []
  private views: MessageView[] = []
  private sent: MessageView[] = []
  private dirty = new Set<number>()
  /** Messages whose view must be rebuilt before the next flush. */
  private stale = new Set<number>()
  private whole = true
  private parsers = new Map<string, IncrementalMarkdown>()
  private opened = new Map<string, boolean>()
  private meta: ChatMeta | null = null
  private reconnecting: string | null = null
  private sentMeta: Partial<ChatMeta> = {}

  /**
   * Takes the next conversation state. Cheap: it only notes which messages
   * changed (by identity); views are built at `flush`, so a burst of tokens
   * inside one merge window costs one markdown update, not one per token.
   */
  apply(conversation: Conversation): void {
    const next = conversation.messages
    if (next.length < this.views.length) {
      this.views.length = next.length
      this.whole = true
    }
    for (let i = 0; i < next.length; i++) {
      if (this.messages[i] !== next[i] || !this.views[i]) this.stale.add(i)
    }
    this.messages = next.slice()
    this.meta = metaOf(conversation)
  }

  /** The user toggled the reasoning panel of message `index`. */
  toggleReasoning(index: number): void {
    this.rebuild()
    const view = this.views[index]
    if (!view) return
    this.opened.set(view.id, !view.reasoningOpen)
    this.views[index] = { ...view, reasoningOpen: !view.reasoningOpen }
    this.dirty.add(index)
  }

  /** Message `id` is reattaching to its generation (or none is, with null). */
  setReconnecting(id: string | null): void {
    if (this.reconnecting === id) return
    const before = this.reconnecting
    this.reconnecting = id
    for (let i = 0; i < this.messages.length; i++) {
      const message = this.messages[i]
      if (message && (message.id === before || message.id === id)) this.stale.add(i)
    }
  }

  /** Forgets everything sent: the next flush sends the whole list (a new page or conversation). */
  reset(): void {
    this.whole = true
    this.parsers.clear()
    this.opened.clear()
    this.messages = []
    this.views = []
    this.stale.clear()
    this.sentMeta = {}
  }

  /** The patch that brings the page up to date, or null when it already is. */
  flush(): Patch | null {
    this.rebuild()
    const patch: Patch = {}
    this.flushMeta(patch)
    if (this.whole) {
      this.whole = false
      this.dirty.clear()
      this.sent = this.views.slice()
      patch.messages = this.sent.slice()
      return patch
    }
    for (const i of this.dirty) {
      const view = this.views[i]
      if (!view) continue
      const before = this.sent[i]
      if (before) diffInto(before, view, `messages[${i}]`, patch)
      else patch[`messages[${i}]`] = view
      this.sent[i] = view
    }
    this.dirty.clear()
    return Object.keys(patch).length > 0 ? patch : null
  }

  private flushMeta(patch: Patch): void {
    if (!this.meta) return
    for (const key of Object.keys(this.meta) as (keyof ChatMeta)[]) {
      if (this.sentMeta[key] === this.meta[key]) continue
      patch[key] = this.meta[key]
      this.sentMeta = { ...this.sentMeta, [key]: this.meta[key] }
    }
  }

  private rebuild(): void {
    for (const i of this.stale) {
      const message = this.messages[i]
      if (!message) continue
      this.views[i] = this.build(message)
      this.dirty.add(i)
    }
    this.stale.clear()
  }

  private build(message: Message): MessageView {
    return messageView(
      message,
      this.blocksOf(message),
      this.opened.get(message.id),
      message.id === this.reconnecting,
    )
  }

  private blocksOf(message: Message): Block[] {
    if (message.role !== 'assistant') return []
    let parser = this.parsers.get(message.id)
    const streaming = message.status === 'streaming'
    const text = streaming ? message.content : finishedText(message.content)
    if (!parser && !streaming) return parseMarkdown(text)
    if (!parser) {
      parser = createIncrementalMarkdown()
      this.parsers.set(message.id, parser)
    }
    // The parser never mutates a tree it returned, so the sent snapshot may share it: unchanged
    // blocks keep their identity (diffInto skips them) and nothing is copied per flush.
    const { blocks } = parser.update(text)
    if (!streaming) this.parsers.delete(message.id)
    return blocks
  }
}
