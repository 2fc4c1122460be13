import { createEventSplitter } from '../chat/sse-events'
import type { AnswerSink } from '../chat/sse-writer'
import { errorBody, RelayError } from '../errors'
import { type FrameStore, frameSize } from './frame-store'

const DATA = Buffer.from('data')

/** Whether an SSE event has a `data` field (comment-only events, an upstream's keep-alives, are not kept). */
function hasData(event: Buffer): boolean {
  // Byte by byte, not `subarray(0, 4).equals`: no Buffer view per recorded event.
  if (event[0] === DATA[0] && event[1] === DATA[1] && event[2] === DATA[2] && event[3] === DATA[3]) {
    return true
  }
  for (let at = event.indexOf(DATA, 1); at !== -1; at = event.indexOf(DATA, at + 1)) {
    const before = event[at - 1]
    if (before === 0x0a || before === 0x0d) return true
  }
  return false
}

/** How a recorded generation ended: null while it runs. */
export type RecorderEnd = { kind: 'done' } | { kind: 'error'; error: unknown }

/**
 * The answer sink of a resumable generation: it takes the answer's output after the relay's output
 * stage (content checks passed, secrets redacted — nothing unchecked is recorded), cuts it into whole
 * events, numbers each `data` event (frame n is `id: n` + the event) and appends it to the store.
 * No socket is written here: every client, the one that started the answer included, is a reader
 * of the store.
 */
export class GenerationRecorder implements AnswerSink {
  committed = false
  forwarded = 0
  /** Frames recorded so far (the id of the last one). */
  lastId = 0
  /** Bytes recorded so far. */
  bytes = 0
  ended: RecorderEnd | null = null
  private readonly splitter = createEventSplitter()
  private readonly committedOrFailed: Promise<unknown>
  private settle: (error: unknown) => void = () => undefined

  constructor(
    private readonly id: string,
    private readonly store: FrameStore,
    private readonly maxBytes: number,
    /** Stops the answer's producer (the upstream request): called when the recorder ends it early. */
    private readonly stopProducer: () => void,
    /** Told once, when the generation ended (the store has its last frame). */
    private readonly onEnd: (end: RecorderEnd) => void,
  ) {
    this.committedOrFailed = new Promise((resolve) => {
      this.settle = resolve
    })
  }

  /**
   * Resolves to null once the answer is committed (readers may stream it), or to the error that
   * ended it before: the client that started it then gets that error's own status, as without a
   * generation.
   */
  started(): Promise<unknown> {
    return this.committedOrFailed
  }

  commit(): void {
    if (this.committed) return
    this.committed = true
    this.settle(null)
  }

  write(chunk: Buffer | string): boolean {
    if (this.ended) return true
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.forwarded += bytes.length
    // Kept events are compacted in place in the splitter's array (a fresh one per push): this runs
    // per event, so no filtered copy and no closure per call.
    const events = this.splitter.push(bytes)
    let kept = 0
    let size = 0
    for (const event of events) {
      if (!hasData(event)) continue
      size += frameSize(this.lastId + 1 + kept, event)
      events[kept++] = event
    }
    events.length = kept
    if (kept === 0) return true
    // Checked before numbering: the error frame takes the next id, with no gap before it.
    if (this.bytes + size > this.maxBytes) {
      this.stop(new RelayError(413, 'generation_too_large', 'The answer is longer than the relay keeps'))
      return true
    }
    this.record(events, size)
    return true
  }

  /** Ends with an error frame (never `[DONE]`: the answer is not complete). */
  fail(error: unknown): void {
    if (this.ended) return
    const event = Buffer.from(`data: ${JSON.stringify(errorBody(error))}\n\n`)
    this.record([event], frameSize(this.lastId + 1, event))
    this.finish({ kind: 'error', error })
    if (!this.committed) this.settle(error)
  }

  /** The answer's own end (its `[DONE]` was recorded). */
  end(): void {
    if (this.ended) return
    this.finish({ kind: 'done' })
  }

  /**
   * Ends the generation from outside (cancel, detached timeout, shutdown, too large): committed
   * first, so whoever waits for the start streams the error frame, then the producer is stopped.
   */
  stop(error: unknown): void {
    if (this.ended) return
    this.commit()
    this.fail(error)
    this.stopProducer()
  }

  /** The store never pushes back: a reader's pace is its own (it pulls), and the size is capped. */
  onceDrained(callback: () => void): void {
    setImmediate(callback)
  }

  stopHeartbeat(): void {}

  /** Numbers `events` on from the last frame and hands them to the store. */
  private record(events: Buffer[], size: number): void {
    const first = this.lastId + 1
    this.lastId += events.length
    this.bytes += size
    this.store.append(this.id, first, events)
  }

  private finish(end: RecorderEnd): void {
    this.ended = end
    this.store.end(this.id, this.lastId)
    this.onEnd(end)
  }
}
