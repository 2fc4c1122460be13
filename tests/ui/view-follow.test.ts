import { createFollowState, followScroll, resumeFollowing } from '../../miniprogram/lib/view/index'

describe('auto-scroll follow rule (lib/view/follow)', () => {
  test('content shrinking at the bottom clamps scrollTop: still following', () => {
    const state = createFollowState()
    expect(followScroll(state, { scrollTop: 900, scrollHeight: 1500 })).toBeNull()
    // The reasoning panel collapses by 120 px: the browser clamps scrollTop by the same amount.
    expect(followScroll(state, { scrollTop: 780, scrollHeight: 1380 })).toBeNull()
    // A shrink that clamps less than it removed (list was a bit above the end) is not the user either.
    expect(followScroll(state, { scrollTop: 700, scrollHeight: 1280 })).toBeNull()
    expect(state.following).toBe(true)
  })

  test('a real upward scroll stops following; growth alone never does', () => {
    const state = createFollowState()
    followScroll(state, { scrollTop: 900, scrollHeight: 1500 })
    expect(followScroll(state, { scrollTop: 1000, scrollHeight: 1600 })).toBeNull()
    expect(followScroll(state, { scrollTop: 600, scrollHeight: 1650 })).toBe('stop')
    expect(state.following).toBe(false)
    // Further events while reading back change nothing.
    expect(followScroll(state, { scrollTop: 300, scrollHeight: 1700 })).toBeNull()
  })

  test('an upward scroll that also shrank the content still counts when it moved further', () => {
    const state = createFollowState()
    followScroll(state, { scrollTop: 900, scrollHeight: 1500 })
    expect(followScroll(state, { scrollTop: 700, scrollHeight: 1450 })).toBe('stop')
  })

  test('with a known viewport: small moves near the end keep following, scrolling back down resumes', () => {
    const state = createFollowState()
    state.viewport = 600
    followScroll(state, { scrollTop: 900, scrollHeight: 1500 })
    // 10 px up: still within the bottom slack.
    expect(followScroll(state, { scrollTop: 890, scrollHeight: 1500 })).toBeNull()
    expect(followScroll(state, { scrollTop: 500, scrollHeight: 1500 })).toBe('stop')
    expect(followScroll(state, { scrollTop: 700, scrollHeight: 1500 })).toBeNull()
    expect(followScroll(state, { scrollTop: 895, scrollHeight: 1500 })).toBe('resume')
    expect(state.following).toBe(true)
  })

  test('without a viewport, only resumeFollowing (button, scrolltolower) brings it back', () => {
    const state = createFollowState()
    followScroll(state, { scrollTop: 900, scrollHeight: 1500 })
    followScroll(state, { scrollTop: 100, scrollHeight: 1500 })
    expect(followScroll(state, { scrollTop: 900, scrollHeight: 1500 })).toBeNull()
    expect(state.following).toBe(false)
    resumeFollowing(state)
    expect(state.following).toBe(true)
  })
})
