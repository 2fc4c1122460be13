/** A timeout that fires after `ms` without a `touch()`. */
export interface IdleTimer {
  /** Activity: the quiet period starts again (cheap enough to call per chunk). */
  touch(): void
  /** Stops watching (while we, not the peer, are the reason for the silence). */
  stop(): void
}

/**
 * Fires `onIdle` once `ms` pass without a `touch()`. A touch only records the
 * time; the timer, when it fires early, re-arms itself for the rest of the
 * period. Resetting a Node timer on every event costs more than reading the clock.
 */
export function createIdleTimer(ms: number, onIdle: () => void): IdleTimer {
  let last = Date.now()
  let timer: NodeJS.Timeout | null = null
  const check = (): void => {
    const quiet = Date.now() - last
    if (quiet >= ms) {
      timer = null
      onIdle()
    } else {
      timer = setTimeout(check, ms - quiet)
    }
  }
  const arm = (): void => {
    last = Date.now()
    if (!timer) timer = setTimeout(check, ms)
  }
  arm()
  return {
    touch: arm,
    stop() {
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
