/**
 * The conversation model, as pure functions (no `wx`, no clock: ids and `now`
 * are passed in). Pages dispatch `ChatAction`s through `reduceConversation`,
 * build requests with `buildRequestMessages`, and the storage service plans
 * its writes with `fitConversation` / `planStorage`.
 */
export { canContinue, continueAnswer, regenerateAnswer, stopAnswer } from './answer'
export type { ContextOptions, RequestContext, RequestMessage } from './context'
export { buildRequestMessages, CONTINUE_PROMPT, OMISSION_MARK } from './context'
export type { ConversationSummary } from './list'
export { PREVIEW_MAX_CHARS, plainPreview, previewText, sortNewestFirst, summarizeConversation } from './list'
export {
  createConversation,
  createPlaceholder,
  lastMessage,
  lastUserIndex,
  streamingMessage,
} from './messages'
export { reasoningLabel, reasoningSeconds } from './reasoning'
export type { ChatAction } from './reducer'
export { reduceConversation } from './reducer'
export { editLastUserMessage, sendMessage } from './send'
export type { FittedConversation, StoragePlan, StoredEntry } from './storage-plan'
export {
  fitConversation,
  planStorage,
  STORAGE_KEY_LIMIT_BYTES,
  STORAGE_SAFETY_RATIO,
  STORAGE_TOTAL_LIMIT_BYTES,
  storedSize,
  utf8ByteLength,
} from './storage-plan'
export { formatRelativeTime } from './time'
export { DEFAULT_TITLE, normalizeTitle, TITLE_MAX_CHARS, titleFromText, truncateChars } from './title'
export type { Conversation, Message, MessageError, MessageRole, MessageStatus } from './types'
export { applyUpdate } from './update'
