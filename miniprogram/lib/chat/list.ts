import { hiddenNotice } from '../errors/index'
import { truncateChars } from './title'
import type { Conversation } from './types'

/** What the conversation list (and the storage index key) keeps per conversation. */
export interface ConversationSummary {
  id: string
  title: string
  updatedAt: number
  /** One line of the latest message, markdown stripped. */
  preview: string
  messageCount: number
}

/** Longest preview, in characters. */
export const PREVIEW_MAX_CHARS = 40

/** Markdown flattened to one plain line: fences, markers, link targets and emphasis marks dropped. */
export function plainPreview(markdown: string, max = PREVIEW_MAX_CHARS): string {
  const flat = markdown
    .replace(/```[^\n]*/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+(\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)/gm, '')
    .replace(/[*_~`|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return truncateChars(flat, max)
}

/** The preview line of a conversation: its latest message that has something to show. */
export function previewText(conversation: Conversation): string {
  for (let i = conversation.messages.length - 1; i >= 0; i--) {
    const message = conversation.messages[i]!
    if (message.status === 'blocked') return message.error?.message ?? hiddenNotice(message.error?.code)
    const text = plainPreview(message.content)
    if (text !== '') return text
  }
  return ''
}

/** The list entry of `conversation`. */
export function summarizeConversation(conversation: Conversation): ConversationSummary {
  return {
    id: conversation.id,
    title: conversation.title,
    updatedAt: conversation.updatedAt,
    preview: previewText(conversation),
    messageCount: conversation.messages.length,
  }
}

/** Newest first (by `updatedAt`, then id for a stable order); returns a new array. */
export function sortNewestFirst<T extends { id: string; updatedAt: number }>(items: readonly T[]): T[] {
  return items.slice().sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
