import type { Dispatcher } from 'undici'
import { type FailureContext, fromUndici } from './errors'

/** Where an upstream body goes, piece by piece. */
export interface BodySink {
  /** A piece of the body, as it arrived; the sink may keep it (undici never reuses it). */
  data(chunk: Buffer): void
  /** The body is complete. */
  end(): void
  /** The body did not complete: a 504 RelayError after the body timeout, else a connection error. */
  fail(error: Error): void
}

/** Cancels a request: `onAbort` runs its callback once, at once if already aborted. */
export interface Cancellation {
  readonly aborted: boolean
  onAbort(callback: () => void): void
}

/** An upstream response whose head has arrived; its body waits in the socket until `read`. */
export interface UpstreamResponse {
  readonly status: number
  /** Header names in lower case, as undici gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** Starts the body flowing into `sink`; call once. */
  read(sink: BodySink): void
  /** Stops reading: the upstream's bytes wait in its socket, not in memory, and the body timeout waits too. */
  pause(): void
  resume(): void
  /** Gives up on the body: the connection is closed and the sink, if any, fails with an AbortError. */
  cancel(): void
}

/** The rejection of a cancelled request, shaped like the platform's own AbortError. */
export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })
}

/**
 * Whether undici's parser may be paused for this response. undici 7 crashes the process (an
 * uncatchable `assert(!this.paused)` in its socket 'end' handler, nodejs/undici#5360, fixed only
 * in undici 8, which needs Node 22) when a response that is not kept alive ends while its parser
 * is paused. A chunked HTTP/1.1 response without `Connection: close` is kept alive, so it is safe;
 * any other body is held in memory while paused instead (it is sized or rare).
 */
function parserMayPause(headers: Exchange['headers']): boolean {
  const framing = String(headers['transfer-encoding'] ?? '')
  const connection = String(headers.connection ?? '')
  return /chunked/i.test(framing) && !/close/i.test(connection)
}

/**
 * One request as an undici dispatch handler, and its response once a final (non-1xx) head has
 * arrived. Body pieces that come before `read` or while paused wait in order, ahead of the end:
 * undici hands them over synchronously, and the caller gets the response a microtask later. While
 * paused, undici's parser is paused too where that is safe (see `parserMayPause`), so the
 * upstream's bytes wait in its socket and the body timeout waits as well. Cancelling before the
 * head rejects at once, even while still connecting.
 */
export class Exchange implements Dispatcher.DispatchHandler, UpstreamResponse {
  status = 0
  headers: Record<string, string | string[] | undefined> = {}
  private controller: Dispatcher.DispatchController | null = null
  private sink: BodySink | null = null
  /** Pieces not delivered yet (before `read`, or while paused). */
  private readonly queue: Buffer[] = []
  /** Not delivering: nobody reads yet, or the reader paused. */
  private paused = true
  private pauseParser = false
  /** How the body ended, once it did: null = complete, else the failure. */
  private ending: { error: Error | null } | null = null
  private settled = false
  private cancelled = false

  constructor(
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: Error) => void,
    cancellation: Cancellation,
    private readonly context: FailureContext,
  ) {
    cancellation.onAbort(() => this.cancel())
  }

  read(sink: BodySink): void {
    this.sink = sink
    this.resume()
  }

  pause(): void {
    this.paused = true
    if (this.pauseParser) this.controller?.pause()
  }

  resume(): void {
    if (!this.sink) return
    this.paused = false
    const queue = this.queue
    while (!this.paused && queue.length > 0) this.sink.data(queue.shift()!)
    if (this.paused) return
    if (this.ending) this.deliverEnding()
    // Delivers what waited in the socket at once (synchronously), through onResponseData.
    else this.controller?.resume()
  }

  /** Closes the connection: undici would otherwise keep reading a body nobody wants. */
  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    if (!this.settled) {
      this.settled = true
      this.reject(abortError())
    }
    // Before a connection is assigned there is no controller yet; onRequestStart aborts then.
    this.controller?.abort(abortError())
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.cancelled) controller.abort(abortError())
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Exchange['headers'],
  ): void {
    // An interim response (103 Early Hints): the final one follows on the same exchange.
    if (status < 200 || this.settled) return
    this.settled = true
    this.status = status
    this.headers = headers
    this.pauseParser = parserMayPause(headers)
    this.resolve(this)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.paused) {
      this.sink?.data(chunk)
      return
    }
    this.queue.push(chunk)
    if (this.pauseParser && this.sink) controller.pause()
  }

  onResponseEnd(): void {
    this.ending = { error: null }
    if (!this.paused) this.deliverEnding()
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    const failure = this.cancelled ? abortError() : fromUndici(error, this.context)
    if (!this.settled) {
      this.settled = true
      this.reject(failure)
      return
    }
    this.ending = { error: failure }
    // A cancelled body fails at once: its waiting pieces are of no use to anyone.
    if (!this.paused || (this.cancelled && this.sink)) this.deliverEnding()
  }

  /** Tells the reader how the body ended, once: after that nothing reaches it. */
  private deliverEnding(): void {
    const sink = this.sink
    this.sink = null
    if (!sink) return
    if (this.ending?.error) sink.fail(this.ending.error)
    else sink.end()
  }
}
