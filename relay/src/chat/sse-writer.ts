import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { errorBody } from '../errors'
import { requestInfo } from '../http/request-info'
import { dropIfUnread } from '../http/write-deadline'
import { carve } from './slab'

const LF = 0x0a
const CR = 0x0d
/** The zero-length chunk that ends a chunked body (no trailers). */
const LAST_CHUNK = Buffer.from('0\r\n\r\n')

/** Headers of every committed stream: no caching, no transformation, no proxy buffering. */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
}

/**
 * Where an answer's output goes: the client's socket (SseWriter), or a resumable generation's
 * recorder (../generations/recorder.ts), which numbers and keeps the same frames for any reader.
 */
export type AnswerSink = Pick<
  SseWriter,
  'committed' | 'forwarded' | 'commit' | 'write' | 'fail' | 'end' | 'onceDrained' | 'stopHeartbeat'
>

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
  /**
   * The last four bytes written: where in the SSE grammar we stopped. Copied, not the chunk
   * itself, so an idle stream does not keep its last chunk (and the slab it was carved from).
   */
  private readonly tail = Uint8Array.of(0, 0, LF, LF)
  private heartbeat: NodeJS.Timeout | null = null
  /** When the last bytes went out: the heartbeat timer checks it instead of being reset per write. */
  private lastWriteAt = 0
  /**
   * Once the headers are out, the client's socket, written directly: one buffer per event with its
   * chunk framing, instead of ServerResponse's cork, four queued writes and a writev on the next
   * tick. At 20,000 events/s that halves what the relay allocates per event, and with it how often
   * the garbage collector pauses every stream. Null until then, or when there is no socket.
   */
  private socket: Socket | null = null
  /** Whether the body is chunked (HTTP/1.1) or plain bytes until close (HTTP/1.0). */
  private chunked = false
  /** Calls off the pending drop of a client that stopped reading; null while its socket takes writes. */
  private unread: (() => void) | null = null

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {}

  /** Sends 200 + SSE headers now; `comment` (e.g. `ok`) gives proxies and the client a first byte. */
  commit(comment?: string): void {
    // A response already answered (an error sent in the meantime) is not answered twice.
    if (this.committed || this.res.headersSent || this.res.writableEnded) return
    this.committed = true
    this.res.writeHead(200, SSE_HEADERS)
    this.res.socket?.setNoDelay(true)
    if (comment !== undefined) this.send(Buffer.from(`: ${comment}\n\n`))
    else {
      // The headers go out with the first bytes when those follow at once (one write, not two);
      // otherwise at the end of this turn, so the client still sees the 200 straight away.
      const written = this.forwarded
      setImmediate(() => {
        if (this.forwarded === written && !this.res.writableEnded && !this.res.destroyed) {
          this.res.flushHeaders()
          this.takeSocket()
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
    this.remember(bytes)
    this.armHeartbeat()
    return this.send(bytes)
  }

  /** Ends the stream with `data: {"error":…}` (never `[DONE]`: the answer is not complete). */
  fail(error: unknown): void {
    if (this.res.writableEnded || this.res.destroyed) return
    this.stopHeartbeat()
    const prefix = this.atLineStart() ? (this.atEventBoundary() ? '' : '\n') : '\n\n'
    const frame = `${prefix}data: ${JSON.stringify(errorBody(error))}\n\n`
    if (!this.socket) {
      this.res.end(frame)
      return
    }
    this.send(Buffer.from(frame))
    this.end()
  }

  /** Ends the stream normally (the upstream's own `[DONE]` has been forwarded). */
  end(): void {
    this.stopHeartbeat()
    if (this.res.writableEnded) return
    if (this.socket && this.chunked) {
      // The body was framed here, so its last chunk is too; ServerResponse then only finishes the
      // exchange (keep-alive, the next request on the connection, 'finish').
      this.res.chunkedEncoding = false
      this.res.end(LAST_CHUNK)
      return
    }
    this.res.end()
  }

  /** Calls back once the client has taken the buffered bytes (or is gone). */
  onceDrained(callback: () => void): void {
    const done = (): void => {
      this.res.off('drain', done)
      this.res.off('close', done)
      this.socket?.off('drain', done)
      callback()
    }
    this.res.on('close', done)
    // Writes that went to the socket directly drain there; ServerResponse only relays its own.
    if (this.socket) this.socket.once('drain', done)
    else this.res.on('drain', done)
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
    if (this.atLineStart())
      this.send(Buffer.from(this.atEventBoundary() ? ': keep-alive\n\n' : ': keep-alive\n'))
    this.lastWriteAt = Date.now()
    this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs)
  }

  /** Writes bytes of the body: through ServerResponse until the headers are out, then to the socket. */
  private send(bytes: Buffer): boolean {
    const ok = this.sendNow(bytes)
    if (!ok) this.watchUnread()
    return ok
  }

  private sendNow(bytes: Buffer): boolean {
    const socket = this.socket
    if (!socket) {
      const ok = this.res.write(bytes)
      // This write sent the headers (with these first bytes): from now on the socket is ours to write.
      this.takeSocket()
      return ok
    }
    if (socket.destroyed) return true
    if (!this.chunked) return socket.write(bytes)
    const size = bytes.length.toString(16)
    const frame = carve(size.length + bytes.length + 4)
    frame.write(size, 0, 'latin1')
    frame[size.length] = CR
    frame[size.length + 1] = LF
    bytes.copy(frame, size.length + 2)
    frame[frame.length - 2] = CR
    frame[frame.length - 1] = LF
    return socket.write(frame)
  }

  /** A client whose socket stays full for RELAY_WRITE_TIMEOUT_MS is dropped (its upstream is then aborted). */
  private watchUnread(): void {
    if (this.unread) return
    this.unread = dropIfUnread(this.res, requestInfo(this.res.req).writeTimeoutMs)
    const drained = (): void => {
      this.unread = null
    }
    if (this.socket) this.socket.once('drain', drained)
    else this.res.once('drain', drained)
  }

  /** Switches to direct socket writes (see `socket`); the order of bytes is kept by the socket's own queue. */
  private takeSocket(): void {
    const socket = this.res.socket
    if (!socket || this.res.writableEnded) return
    this.socket = socket
    this.chunked = this.res.chunkedEncoding
  }

  private remember(bytes: Buffer): void {
    const t = this.tail
    const n = bytes.length
    if (n >= 4) {
      t[0] = bytes[n - 4]!
      t[1] = bytes[n - 3]!
      t[2] = bytes[n - 2]!
      t[3] = bytes[n - 1]!
    } else {
      t.copyWithin(0, n)
      t.set(bytes, 4 - n)
    }
  }

  private atLineStart(): boolean {
    return this.tail[3] === LF
  }

  private atEventBoundary(): boolean {
    const t = this.tail
    const n = t.length
    if (t[n - 1] !== LF) return false
    const before = t[n - 2] === CR ? n - 3 : n - 2
    return t[before] === LF || t[before] === CR
  }
}
