import type { OutputCheck } from '../hooks'
import { CONTEXT_CHARS, checkInCalls } from './check-text'
import { hasSentenceEnd } from './sentences'

/** Checks in flight per answer; segments that close meanwhile wait and go together in the next call. */
const MAX_IN_FLIGHT = 2
/** Past this many held bytes the producer is asked to pause: a slow check must not fill memory. */
const MAX_HELD_BYTES = 1024 * 1024

/** A run of the answer's text that is checked as one (possibly merged with its neighbours). */
interface Segment {
  text: string
  /** open: takes text; closed: waits for a call; checking; passed: its events may go. */
  state: 'open' | 'closed' | 'checking' | 'passed'
}

/** Holds an answer's events until their text passed its check, and releases them in order. */
export interface OutputGate {
  /** Takes one whole event with the text it shows ('' for none); false when the gate holds enough for now. */
  push(bytes: Buffer, text: string): boolean
  /** Calls back once the gate has room again. */
  onRoom(callback: () => void): void
  /** Closes the open segment; resolves once everything pushed so far is released, rejects on a refusal. */
  settled(): Promise<void>
  /** Stops for good: nothing more is released, verdicts still in flight are ignored. */
  close(): void
}

/**
 * The answer's events wait here, in segments, until their text passed `check`. The first segment
 * closes with the first text (time to first text: one check); later ones at a sentence end once
 * they hold `minChars`, or `holdMs` (times `holdScale()`) after their first character, or when
 * they are as long as a call may be. A closed segment is checked at once unless `MAX_IN_FLIGHT`
 * checks are out; segments that close meanwhile go together in the next call (fewer calls when
 * text comes fast). Verdicts may come back in any order; events leave strictly in order.
 */
export function createOutputGate(
  check: OutputCheck,
  release: (bytes: Buffer) => void,
  fail: (error: unknown) => void,
): OutputGate {
  const budget = Math.max(1, check.maxChars - CONTEXT_CHARS)
  const queue: Array<{ bytes: Buffer; segment: Segment }> = []
  let head = 0
  let heldBytes = 0
  let open: Segment = { text: '', state: 'open' }
  let closedCount = 0
  const waiting: Segment[] = []
  let inFlight = 0
  /** The end of all text sent to `check` so far: the context of the next call. */
  let sentTail = ''
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  let failure: { error: unknown } | null = null
  let roomCallbacks: Array<() => void> = []
  let settleWaiters: Array<{ resolve(): void; reject(error: unknown): void }> = []

  const stop = (): void => {
    stopped = true
    if (timer) clearTimeout(timer)
    timer = null
    queue.length = 0
    head = 0
    heldBytes = 0
  }

  const refuse = (error: unknown): void => {
    if (stopped) return
    failure = { error }
    stop()
    for (const waiter of settleWaiters) waiter.reject(error)
    settleWaiters = []
    fail(error)
  }

  const releaseReady = (): void => {
    while (head < queue.length) {
      const item = queue[head]!
      const segment = item.segment
      if (segment.state !== 'passed' && !(segment === open && segment.text === '')) break
      head++
      heldBytes -= item.bytes.length
      release(item.bytes)
      if (stopped) return
    }
    if (head === queue.length) {
      queue.length = 0
      head = 0
      for (const waiter of settleWaiters) waiter.resolve()
      settleWaiters = []
    } else if (head > 1024) {
      queue.splice(0, head)
      head = 0
    }
    if (heldBytes < MAX_HELD_BYTES && roomCallbacks.length > 0) {
      const callbacks = roomCallbacks
      roomCallbacks = []
      for (const callback of callbacks) callback()
    }
  }

  /** The segments of the next call: all that wait, as far as one call holds them (at least one). */
  const nextGroup = (): Segment[] => {
    const group = [waiting.shift()!]
    let length = group[0]!.text.length
    while (waiting.length > 0 && length + waiting[0]!.text.length <= budget) {
      length += waiting[0]!.text.length
      group.push(waiting.shift()!)
    }
    return group
  }

  const dispatch = (): void => {
    while (!stopped && inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
      const group = nextGroup()
      for (const segment of group) segment.state = 'checking'
      const calls = checkInCalls(check, group.map((segment) => segment.text).join(''), sentTail)
      sentTail = calls.context
      inFlight++
      calls.verdict
        .then(() => {
          inFlight--
          if (stopped) return
          for (const segment of group) segment.state = 'passed'
          releaseReady()
          dispatch()
        })
        .catch(refuse)
    }
  }

  const closeOpen = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    if (open.text === '' || stopped) return
    open.state = 'closed'
    waiting.push(open)
    open = { text: '', state: 'open' }
    closedCount++
    dispatch()
  }

  return {
    push(bytes, text) {
      if (stopped) return false
      if (text === '' && head === queue.length) {
        release(bytes)
        return true
      }
      queue.push({ bytes, segment: open })
      heldBytes += bytes.length
      if (text !== '') {
        if (open.text === '') {
          const holdMs = check.holdMs * Math.max(1, check.holdScale?.() ?? 1)
          timer = setTimeout(closeOpen, holdMs)
        }
        open.text += text
        const full = open.text.length >= budget
        if (closedCount === 0 || full || (open.text.length >= check.minChars && hasSentenceEnd(text))) {
          closeOpen()
        }
      }
      return heldBytes < MAX_HELD_BYTES
    },
    onRoom(callback) {
      if (heldBytes < MAX_HELD_BYTES || stopped) callback()
      else roomCallbacks.push(callback)
    },
    settled() {
      if (failure) return Promise.reject(failure.error)
      closeOpen()
      if (head === queue.length) return Promise.resolve()
      return new Promise((resolve, reject) => settleWaiters.push({ resolve, reject }))
    },
    close: stop,
  }
}
