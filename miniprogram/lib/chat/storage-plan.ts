import type { Conversation, Message } from './types'

/** WeChat's documented limit for one storage key. */
export const STORAGE_KEY_LIMIT_BYTES = 1024 * 1024
/** WeChat's documented limit for all storage of one mini program (per user). */
export const STORAGE_TOTAL_LIMIT_BYTES = 10 * 1024 * 1024
/** Planning targets stay this far under the limits: sizes are estimates and settings need room too. */
export const STORAGE_SAFETY_RATIO = 0.9

/** UTF-8 size of `text` (how storage sizes are estimated; a Chinese character is 3 bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** Serialized size of a value as it would be stored (JSON, UTF-8). */
export function storedSize(value: unknown): number {
  return utf8ByteLength(JSON.stringify(value))
}

/** A conversation shrunk to fit one key, and what was given up. */
export interface FittedConversation {
  conversation: Conversation
  /** Oldest messages dropped (0 when it fitted). */
  droppedMessages: number
  /** The remaining newest message was itself too big and its text was cut. */
  truncated: boolean
  bytes: number
}

/**
 * Fits `conversation` under `maxBytes` (default: 90% of the 1 MB key limit) by
 * dropping its oldest messages, whole user/assistant pairs first; if even the
 * newest exchange is too big, the longest remaining texts are cut at the end.
 * Each message is measured once, so this is linear in the conversation's size.
 */
export function fitConversation(
  conversation: Conversation,
  maxBytes = Math.floor(STORAGE_KEY_LIMIT_BYTES * STORAGE_SAFETY_RATIO),
): FittedConversation {
  const bytes = storedSize(conversation)
  if (bytes <= maxBytes) return { conversation, droppedMessages: 0, truncated: false, bytes }
  const sizes = conversation.messages.map((m) => storedSize(m))
  // Envelope = everything but the message objects and the commas between them.
  let total = bytes
  let start = 0
  const count = sizes.length
  while (total > maxBytes && count - start > 2) {
    total -= sizes[start]! + 1
    start++
    // Never leave an answer without its question at the front.
    if (conversation.messages[start]?.role === 'assistant' && count - start > 1) {
      total -= sizes[start]! + 1
      start++
    }
  }
  let messages = conversation.messages.slice(start)
  let truncated = false
  if (total > maxBytes) {
    messages = messages.map((message) => shrinkMessage(message, Math.floor(maxBytes / (2 * messages.length))))
    truncated = true
  }
  const fitted = { ...conversation, messages }
  return { conversation: fitted, droppedMessages: start, truncated, bytes: storedSize(fitted) }
}

/** Cuts a message's texts so the message is about `maxBytes` (3 bytes per character, worst case). */
function shrinkMessage(message: Message, maxBytes: number): Message {
  const maxChars = Math.max(0, Math.floor(maxBytes / 3) - 200)
  const cut = (text: string) => (text.length > maxChars ? `${text.slice(0, maxChars)}\n……（已截断）` : text)
  const next: Message = { ...message, content: cut(message.content) }
  if (message.reasoning !== undefined) next.reasoning = cut(message.reasoning)
  return next
}

/** One stored conversation as the planner sees it. */
export interface StoredEntry {
  id: string
  updatedAt: number
  bytes: number
}

/** What to evict to stay under the total limit. */
export interface StoragePlan {
  /** Conversation ids to delete, oldest first: show the user a notice naming how many. */
  evict: string[]
  /** Bytes used after evicting. */
  totalBytes: number
  /** Still over the budget after evicting everything allowed (only protected entries are left). */
  overBudget: boolean
}

/**
 * Plans evictions so that all conversations plus `otherBytes` (index key,
 * settings) stay under `maxTotalBytes` (default: 90% of 10 MB). The oldest
 * conversations go first; ids in `keep` (the open conversation) never go.
 */
export function planStorage(
  entries: readonly StoredEntry[],
  options: { otherBytes?: number; keep?: readonly string[]; maxTotalBytes?: number } = {},
): StoragePlan {
  const max = options.maxTotalBytes ?? Math.floor(STORAGE_TOTAL_LIMIT_BYTES * STORAGE_SAFETY_RATIO)
  const keep = new Set(options.keep ?? [])
  let totalBytes = (options.otherBytes ?? 0) + entries.reduce((sum, entry) => sum + entry.bytes, 0)
  const evict: string[] = []
  const oldestFirst = entries
    .filter((entry) => !keep.has(entry.id))
    .sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1))
  for (const entry of oldestFirst) {
    if (totalBytes <= max) break
    evict.push(entry.id)
    totalBytes -= entry.bytes
  }
  return { evict, totalBytes, overBudget: totalBytes > max }
}
