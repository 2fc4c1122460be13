import { EventEmitter } from 'node:events'
import type { IncomingHttpHeaders } from 'node:http'
import type { ResponseHead } from './response-head'

/** What the body needs from its connection. */
export interface BodySource {
  /** Stop reading from the socket (the bytes wait in the kernel, not in memory). */
  pause(): void
  resume(): void
}

/**
 * An upstream response body with the parts of node:http's IncomingMessage the relay uses:
 * `statusCode`, `headers`, and the events `data` (a Buffer the listener may keep), `end` and
 * `aborted` (the connection broke before the body was complete), with `pause()`/`resume()`.
 * Bytes that arrive while paused, or before anyone listens, are queued and come out in order
 * before `end` or `aborted`: nothing the upstream sent is dropped.
 */
export class UpstreamStream extends EventEmitter {
  readonly statusCode: number
  readonly headers: IncomingHttpHeaders
  private readonly queue: Buffer[] = []
  /** Not flowing: nobody listens for `data` yet, or the consumer paused. */
  private paused = true
  private pausedByConsumer = false
  private ended = false
  private broken = false
  /** `end` or `aborted` has been emitted. */
  private settled = false

  constructor(
    head: ResponseHead,
    private readonly source: BodySource,
  ) {
    super()
    this.statusCode = head.statusCode
    this.headers = head.headers
  }

  override on(event: string | symbol, listener: Parameters<EventEmitter['on']>[1]): this {
    super.on(event, listener)
    // Like a Readable, a `data` listener starts the flow, on the next tick: the caller attaches its
    // `end` and `aborted` listeners in the same turn and must not miss an end that is already queued.
    if (event === 'data') process.nextTick(() => this.pausedByConsumer || this.resume())
    return this
  }

  pause(): this {
    this.pausedByConsumer = true
    this.paused = true
    this.source.pause()
    return this
  }

  resume(): this {
    this.pausedByConsumer = false
    this.paused = false
    this.flush()
    if (!this.paused && !this.ended && !this.broken) this.source.resume()
    return this
  }

  /** From the connection: body bytes (already copied out of the shared read buffer). */
  push(chunk: Buffer): void {
    if (this.paused || this.queue.length > 0) {
      this.queue.push(chunk)
      this.source.pause()
      return
    }
    this.emit('data', chunk)
  }

  /** From the connection: the body is complete. */
  finish(): void {
    this.ended = true
    this.flush()
  }

  /** From the connection: it closed or failed before the body was complete. */
  fail(): void {
    if (this.ended) return
    this.broken = true
    this.flush()
  }

  private flush(): void {
    while (!this.paused && this.queue.length > 0) this.emit('data', this.queue.shift()!)
    if (this.paused || this.settled) return
    if (this.ended) {
      this.settled = true
      this.emit('end')
    } else if (this.broken) {
      this.settled = true
      this.emit('aborted')
    }
  }
}
