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
  private tail: Buffer = Buffer.from('\n\n')
  private heartbeat: NodeJS.Timeout | null = null

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {}

  /** Sends 200 + SSE headers now; `comment` (e.g. `ok`) gives proxies and the client a first byte. */
  commit(comment?: string): void {
    if (this.committed) return
    this.committed = true
    this.res.writeHead(200, SSE_HEADERS)
    this.res.flushHeaders()
    this.res.socket?.setNoDelay(true)
    if (comment !== undefined) this.res.write(`: ${comment}\n\n`)
    this.armHeartbeat()
  }

  /** Forwards bytes as they are; false when the client is applying backpressure. */
  write(chunk: Buffer | string): boolean {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (bytes.length === 0) return true
    this.forwarded += bytes.length
    this.tail =
      bytes.length >= 4 ? bytes.subarray(bytes.length - 4) : Buffer.concat([this.tail, bytes]).subarray(-4)
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
    if (this.heartbeat) {
      this.heartbeat.refresh()
      return
    }
    this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs)
  }

  private beat(): void {
    if (this.res.writableEnded || this.res.destroyed) {
      this.stopHeartbeat()
      return
    }
    // Mid-line (or right after a lone CR that may pair with an LF) a comment would corrupt the event.
    if (this.atLineStart()) this.res.write(this.atEventBoundary() ? ': keep-alive\n\n' : ': keep-alive\n')
    this.heartbeat?.refresh()
  }

  private atLineStart(): boolean {
    return this.tail[this.tail.length - 1] === LF
  }

  private atEventBoundary(): boolean {
    const t = this.tail
    const n = t.length
    if (t[n - 1] !== LF) return false
    const before = t[n - 2] === CR ? n - 3 : n - 2
    return t[before] === LF || t[before] === CR
  }
}
