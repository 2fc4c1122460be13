import type { ServerResponse } from 'node:http'
import { errorBody } from './errors'

const LF = 0x0a
const CR = 0x0d

/** Headers of every committed stream: no caching, no transformation, no proxy buffering. */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
}

/**
 * Writes an event stream to the client and knows where in the SSE grammar the
 * bytes it forwarded stopped. Raw upstream chunks end anywhere, so a heartbeat
 * or an error frame may only go in at a line start (a comment line is legal
 * inside an event) or, for a frame, after terminating the partial line.
 */
export class SseWriter {
  committed = false
  /** Bytes of answer forwarded (anything after `commit`). */
  forwarded = 0
  /** The last bytes written (the chunk itself, no copy per write): where in the grammar we stopped. */
  private last: Buffer = Buffer.from('\n\n')
  private heartbeat: NodeJS.Timeout | null = null
  /** When the last bytes went out: the heartbeat timer checks it instead of being reset per write. */
  private lastWriteAt = 0

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {}

  /** Sends 200 + SSE headers now; `comment` (e.g. `ok`) gives proxies and the client a first byte. */
  commit(comment?: string): void {
    if (this.committed) return
    this.committed = true
    this.res.writeHead(200, SSE_HEADERS)
    this.res.socket?.setNoDelay(true)
    if (comment !== undefined) this.res.write(`: ${comment}\n\n`)
    else {
      // The headers go out with the first bytes when those follow at once (one write, not two);
      // otherwise at the end of this turn, so the client still sees the 200 straight away.
      const written = this.forwarded
      setImmediate(() => {
        if (this.forwarded === written && !this.res.writableEnded && !this.res.destroyed) {
          this.res.flushHeaders()
        }
      })
    }
    this.armHeartbeat()
  }

  /** Forwards bytes as they are; false when the client is applying backpressure. */
  write(chunk: Buffer | string): boolean {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (bytes.length === 0) return true
    this.forwarded += bytes.length
    this.last = bytes.length >= 4 ? bytes : Buffer.concat([this.last, bytes]).subarray(-4)
    this.armHeartbeat()
    return this.res.write(bytes)
  }

  /** Ends the stream with `data: {"error":…}` (never `[DONE]`: the answer is not complete). */
  fail(error: unknown): void {
    if (this.res.writableEnded || this.res.destroyed) return
    this.stopHeartbeat()
    const prefix = this.atLineStart() ? (this.atEventBoundary() ? '' : '\n') : '\n\n'
    this.res.end(`${prefix}data: ${JSON.stringify(errorBody(error))}\n\n`)
  }

  /** Ends the stream normally (the upstream's own `[DONE]` has been forwarded). */
  end(): void {
    this.stopHeartbeat()
    if (!this.res.writableEnded) this.res.end()
  }

  /** Calls back once the client has taken the buffered bytes (or is gone). */
  onceDrained(callback: () => void): void {
    const done = (): void => {
      this.res.off('drain', done)
      this.res.off('close', done)
      callback()
    }
    this.res.on('drain', done)
    this.res.on('close', done)
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearTimeout(this.heartbeat)
    this.heartbeat = null
  }

  private armHeartbeat(): void {
    if (!this.committed) return
    this.lastWriteAt = Date.now()
    // Re-arming a timer per event costs more than a clock read; `beat` re-checks the time instead.
    if (!this.heartbeat) this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs)
  }

  private beat(): void {
    if (this.res.writableEnded || this.res.destroyed) {
      this.stopHeartbeat()
      return
    }
    const quiet = Date.now() - this.lastWriteAt
    if (quiet < this.heartbeatMs) {
      this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs - quiet)
      return
    }
    // Mid-line (or right after a lone CR that may pair with an LF) a comment would corrupt the event.
    if (this.atLineStart()) this.res.write(this.atEventBoundary() ? ': keep-alive\n\n' : ': keep-alive\n')
    this.lastWriteAt = Date.now()
    this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs)
  }

  private atLineStart(): boolean {
    return this.last[this.last.length - 1] === LF
  }

  private atEventBoundary(): boolean {
    const t = this.last
    const n = t.length
    if (t[n - 1] !== LF) return false
    const before = t[n - 2] === CR ? n - 3 : n - 2
    return t[before] === LF || t[before] === CR
  }
}
