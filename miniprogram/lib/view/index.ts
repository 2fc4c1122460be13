/**
 * View-model helpers of the chat page (pure: no `wx`): message render models,
 * path-based setData diffs, the auto-scroll follow rule and the merge scheduler that keeps setData at
 * ~20 calls per second while an answer streams.
 */
export { diffInto, type Patch, patchSize, splitPatch } from './diff'
export { createFollowState, type FollowState, followScroll, resumeFollowing } from './follow'
export { ChatViewModel } from './model'
export { messageView } from './render'
export { createFlushScheduler, type FlushScheduler } from './schedule'
export type { ChatMeta, MessageView } from './types'
