/**
 * Whether the chat list follows the stream, decided from scroll-view `scroll`
 * events (detail: scrollTop, scrollHeight, …).
 *
 * A falling scrollTop is not always the user: when the content shrinks (the
 * reasoning panel collapsing as the answer starts, the typing indicator going
 * away, a streaming code block closing) while the list sits at the bottom,
 * the scroll position is clamped to the new, lower maximum and a scroll event
 * reports the drop. Only a drop larger than the shrink is the user reading
 * back. `deltaY` is not used: its sign differs between runtimes.
 */

/** The fields of one scroll event this needs. */
export interface ScrollSample {
  scrollTop: number
  scrollHeight: number
}

/** Follow state of one list. */
export interface FollowState {
  /** True while the list sticks to the bottom as the answer grows. */
  following: boolean
  /** The previous scroll event, to compare against. */
  last: ScrollSample | null
  /** Height of the list's viewport in px; 0 while unknown (scroll events do not carry it). */
  viewport: number
}

/** Pixels of upward movement ignored (rounding, sub-pixel layout). */
export const SCROLL_SLACK_PX = 4

/** Within this distance of the end the list counts as being at the bottom. */
export const BOTTOM_SLACK_PX = 24

/** A fresh state: following, nothing seen yet. */
export function createFollowState(): FollowState {
  return { following: true, last: null, viewport: 0 }
}

/** Distance in px from the viewport's bottom edge to the end of the content; undefined while the viewport is unknown. */
export function distanceFromBottom(state: FollowState, sample: ScrollSample): number | undefined {
  if (state.viewport <= 0) return undefined
  return Math.max(0, sample.scrollHeight - sample.scrollTop - state.viewport)
}

/**
 * Feeds one scroll event. Returns 'stop' when the user scrolled up away from
 * the bottom (following ends), 'resume' when they scrolled back down to it,
 * otherwise null.
 */
export function followScroll(state: FollowState, sample: ScrollSample): 'stop' | 'resume' | null {
  const prev = state.last
  state.last = { scrollTop: sample.scrollTop, scrollHeight: sample.scrollHeight }
  if (!prev) return null
  const moved = sample.scrollTop - prev.scrollTop
  const shrink = Math.max(0, prev.scrollHeight - sample.scrollHeight)
  const distance = distanceFromBottom(state, sample)
  if (state.following) {
    const userUp = -moved > shrink + SCROLL_SLACK_PX
    if (!userUp || (distance !== undefined && distance <= BOTTOM_SLACK_PX)) return null
    state.following = false
    return 'stop'
  }
  if (moved > 0 && distance !== undefined && distance <= BOTTOM_SLACK_PX) {
    state.following = true
    return 'resume'
  }
  return null
}

/** Following again (回到底部 tapped, scrolltolower, a new question sent). */
export function resumeFollowing(state: FollowState): void {
  state.following = true
}
