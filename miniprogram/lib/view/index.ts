/**
 * View-model helpers of the chat page (pure: no `wx`): message render models,
 * path-based setData diffs and the merge scheduler that keeps setData at
 * ~20 calls per second while an answer streams.
 */
export { diffInto, type Patch, patchSize } from './diff'
export { ChatViewModel, type MarkdownEngine } from './model'
export { messageView, reasoningParagraphs } from './render'
export { createFlushScheduler, FLUSH_INTERVAL_MS, type FlushScheduler, type SchedulerClock } from './schedule'
export type { MessageView } from './types'
