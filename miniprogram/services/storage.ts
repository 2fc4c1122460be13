import { imageBytes, imagePaths } from '../lib/chat/images'
import {
  type Conversation,
  type ConversationSummary,
  fitConversation,
  planStorage,
  reduceConversation,
  sortNewestFirst,
  storedSize,
  summarizeConversation,
} from '../lib/chat/index'
import { removeImageFiles } from './media'
import { toast } from './ui'

/**
 * Photos live as files (never in storage), but they count too: past this many bytes of photos,
 * the oldest conversations go, photos and all.
 */
export const IMAGE_BUDGET_BYTES = 50 * 1024 * 1024

/** Key of the conversation list (summaries + sizes, so listing never reads every conversation). */
export const INDEX_KEY = 'conv:index'

/** What a save that cannot find room says (the conversation stays as it was last saved). */
const STORAGE_FULL = '存储空间不足，无法保存对话'

/** Key of one conversation. */
export function conversationKey(id: string): string {
  return `conv:${id}`
}

/** One index entry: what the list shows plus the sizes used to plan evictions. */
export interface IndexEntry extends ConversationSummary {
  bytes: number
  /** Bytes of the conversation's photo files. */
  imageBytes?: number
}

/** What a save had to give up; show the user a notice when either is set. */
export interface SaveResult {
  /** Ids of older conversations deleted to make room (oldest first). */
  evicted: string[]
  /** The conversation itself was too large for one key: its oldest messages (or longest texts) were cut. */
  trimmed: boolean
}

function readIndex(): IndexEntry[] {
  try {
    const raw: unknown = wx.getStorageSync(INDEX_KEY)
    return Array.isArray(raw) ? (raw as IndexEntry[]) : []
  } catch {
    return []
  }
}

/** Conversations, newest first. */
export function listConversations(): ConversationSummary[] {
  return sortNewestFirst(readIndex()).map(({ bytes: _bytes, ...summary }) => summary)
}

/** One conversation, or null when missing or unreadable. */
export function loadConversation(id: string): Conversation | null {
  try {
    const raw: unknown = wx.getStorageSync(conversationKey(id))
    if (raw && typeof raw === 'object' && Array.isArray((raw as Conversation).messages))
      return raw as Conversation
  } catch {
    // An unreadable entry is treated as missing.
  }
  return null
}

/**
 * Saves `conversation` under its key and updates the index. Stays under the
 * per-key and total limits (lib/chat fitConversation / planStorage): oldest
 * messages are trimmed and oldest other conversations evicted rather than failing.
 */
export function saveConversation(conversation: Conversation): SaveResult {
  const fitted = fitConversation(conversation)
  const stored = readIndex()
  const previous = stored.find((entry) => entry.id === conversation.id)
  const others = stored.filter((entry) => entry.id !== conversation.id)
  const entry: IndexEntry = {
    ...summarizeConversation(fitted.conversation),
    bytes: fitted.bytes,
    imageBytes: imageBytes(fitted.conversation),
  }
  const plan = planStorage([...others, entry], {
    keep: [conversation.id],
    otherBytes: storedSize(others) + 4096,
  })
  const photos = planStorage(
    [...others, entry].map((e) => ({ id: e.id, updatedAt: e.updatedAt, bytes: e.imageBytes ?? 0 })),
    { keep: [conversation.id], maxTotalBytes: IMAGE_BUDGET_BYTES },
  )
  const evicted = new Set([...plan.evict, ...photos.evict])
  let kept = others.filter((other) => !evicted.has(other.id))
  // From the first removal on, the index is rewritten whatever happens, so it never lists a
  // conversation that is gone; the one being saved keeps its old entry until its new version is in.
  let saved = false
  try {
    for (const id of evicted) removeStored(id)
    try {
      wx.setStorageSync(conversationKey(conversation.id), fitted.conversation)
    } catch {
      // The estimate was off (other keys, platform overhead): free the oldest conversation and try once more.
      const oldest = sortNewestFirst(kept).pop()
      if (!oldest) throw new Error(STORAGE_FULL)
      removeStored(oldest.id)
      evicted.add(oldest.id)
      kept = kept.filter((e) => e.id !== oldest.id)
      try {
        wx.setStorageSync(conversationKey(conversation.id), fitted.conversation)
      } catch {
        throw new Error(STORAGE_FULL)
      }
    }
    saved = true
  } finally {
    const current = saved ? entry : previous
    wx.setStorageSync(INDEX_KEY, current ? [current, ...kept] : kept)
  }
  return { evicted: [...evicted], trimmed: fitted.droppedMessages > 0 || fitted.truncated }
}

/** Deletes a conversation and its index entry. */
export function deleteConversation(id: string): void {
  removeStored(id)
  wx.setStorageSync(
    INDEX_KEY,
    readIndex().filter((entry) => entry.id !== id),
  )
}

/** Tells the user what a save gave up, if anything (a toast: never blocks the chat). */
export function notifySaveResult(result: SaveResult): void {
  if (result.evicted.length > 0) toast(`存储空间不足，已删除 ${result.evicted.length} 个最早的对话`)
  else if (result.trimmed) toast('对话过长，已删除最早的消息')
}

/**
 * Renames a stored conversation (the conversations page). Its `updatedAt` stays: a rename does
 * not make an old conversation the newest.
 * @throws Error with a Chinese message when it is gone or cannot be saved.
 */
export function renameConversation(id: string, title: string): void {
  const conversation = loadConversation(id)
  if (!conversation) throw new Error('对话不存在')
  saveConversation(reduceConversation(conversation, { type: 'rename', title, now: conversation.updatedAt }))
}

/** A conversation's key and its photo files. */
function removeStored(id: string): void {
  const conversation = loadConversation(id)
  if (conversation) removeImageFiles(imagePaths(conversation))
  removeKey(conversationKey(id))
}

function removeKey(key: string): void {
  try {
    wx.removeStorageSync(key)
  } catch {
    // Already gone.
  }
}

/** Deletes every conversation (设置 → 清除全部对话); settings and login stay. */
export function clearAllConversations(): number {
  const entries = readIndex()
  for (const entry of entries) removeStored(entry.id)
  wx.setStorageSync(INDEX_KEY, [])
  return entries.length
}

/** How much of WeChat's storage the app uses, in KB, against its limit, and the photos' files. */
export function storageUsage(): { usedKb: number; limitKb: number; imageKb: number } {
  const imageKb = Math.ceil(readIndex().reduce((sum, e) => sum + (e.imageBytes ?? 0), 0) / 1024)
  try {
    const info = wx.getStorageInfoSync()
    return { usedKb: info.currentSize, limitKb: info.limitSize, imageKb }
  } catch {
    return { usedKb: 0, limitKb: 10 * 1024, imageKb }
  }
}
