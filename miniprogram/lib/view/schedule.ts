/** Timer functions, injected so the scheduler stays pure and testable with fake clocks. */
export interface SchedulerClock {
  now(): number
  setTimer(fn: () => void, ms: number): unknown
  clearTimer(handle: unknown): void
}

/** Merges bursts of render requests into at most one flush per interval. */
export interface FlushScheduler {
  /** Something changed: flush now if the last flush is old enough (so a first token shows at once), else soon. */
  request(): void
  /** Flush whatever is pending right away (stream ended, user action). */
  flushNow(): void
  /** The page is hidden: nothing is flushed until `show`. */
  hide(): void
  /** The page is visible again: pending changes are flushed at once. */
  show(): void
  /** Cancels the timer for good. */
  dispose(): void
}

/** Default merge window: 50 ms, i.e. at most ~20 setData calls per second while streaming. */
export const FLUSH_INTERVAL_MS = 50

/**
 * Creates a scheduler calling `flush` at most once per `intervalMs`. A request
 * after a quiet period flushes synchronously; requests inside the window are
 * merged into one flush at its end. Hidden pages never flush.
 */
export function createFlushScheduler(
  flush: () => void,
  clock: SchedulerClock,
  intervalMs = FLUSH_INTERVAL_MS,
): FlushScheduler {
  let last = Number.NEGATIVE_INFINITY
  let timer: unknown = null
  let pending = false
  let hidden = false
  let disposed = false

  function cancel(): void {
    if (timer !== null) clock.clearTimer(timer)
    timer = null
  }
  function run(): void {
    timer = null
    if (hidden || disposed || !pending) return
    pending = false
    last = clock.now()
    flush()
  }
  return {
    request() {
      pending = true
      if (hidden || disposed || timer !== null) return
      const wait = last + intervalMs - clock.now()
      if (wait <= 0) run()
      else timer = clock.setTimer(run, wait)
    },
    flushNow() {
      pending = true
      cancel()
      run()
    },
    hide() {
      hidden = true
      cancel()
    },
    show() {
      hidden = false
      run()
    },
    dispose() {
      disposed = true
      cancel()
    },
  }
}
