/**
 * View-model helpers of the chat page (pure: no `wx`): message render models,
 * path-based setData diffs, the auto-scroll follow rule and the merge scheduler that keeps setData at
 * ~20 calls per second while an answer streams.
 */
export { diffInto, PATCH_MAX_CHARS, type Patch, patchSize, splitPatch } from './diff'
export {
  BOTTOM_SLACK_PX,
  createFollowState,
  distanceFromBottom,
  type FollowState,
  followScroll,
  resumeFollowing,
  SCROLL_SLACK_PX,
  type ScrollSample,
} from './follow'
export { ChatViewModel, type MarkdownEngine } from './model'
export { messageView, reasoningParagraphs } from './render'
export { createFlushScheduler, FLUSH_INTERVAL_MS, type FlushScheduler, type SchedulerClock } from './schedule'
export type { MessageView } from './types'
