/**
 * The conversation model, as pure functions (no `wx`, no clock: ids and `now`
 * are passed in). Pages dispatch `ChatAction`s through `reduceConversation`,
 * build requests with `buildRequestMessages`, and the storage service plans
 * its writes with `fitConversation` / `planStorage`.
 */
export { canContinue } from './answer'
export type { ContextOptions } from './context'
export { buildRequestMessages, CONTINUE_PROMPT, OMISSION_MARK } from './context'
export { HIDDEN_NOTICE } from './feedback'
export { imageBytes, imagePaths, uploadedActions } from './images'
export type { ConversationSummary } from './list'
export { plainPreview, sortNewestFirst, summarizeConversation } from './list'
export { createConversation, lastUserIndex, streamingMessage } from './messages'
export { reasoningLabel } from './reasoning'
export type { ChatAction } from './reducer'
export { reduceConversation } from './reducer'
export { type ChatRequestPlan, planChatRequest } from './request'
export type { FittedConversation } from './storage-plan'
export {
  fitConversation,
  planStorage,
  STORAGE_KEY_LIMIT_BYTES,
  storedSize,
  utf8ByteLength,
} from './storage-plan'
export { formatRelativeTime } from './time'
export { DEFAULT_TITLE, normalizeTitle, titleFromText, truncateChars } from './title'
export type { Conversation, Message, MessageImage, MessageRole, MessageStatus } from './types'
