import { carve } from '../../chat/slab'
import { ChunkedDecoder } from './chunked'
import { type Connection, type ConnectionUser, READ_BUFFER } from './connection'
import {
  type BodyFraming,
  bodyFraming,
  FramingError,
  headEnd,
  keepsAlive,
  MAX_HEAD_BYTES,
  parseHead,
  type ResponseHead,
} from './response-head'
import { UpstreamStream } from './upstream-stream'

/** A failure before the response head: `code` names the cause (ECONNREFUSED, ECONNRESET, HPE_…). */
export class ExchangeError extends Error {
  override name = 'ExchangeError'
  constructor(readonly code: string) {
    super(code)
  }
}

/** One request/response on a connection: parses the head, then the body by its framing. */
export class Exchange implements ConnectionUser {
  private headBytes: Buffer | null = null
  private stream: UpstreamStream | null = null
  private framing: BodyFraming = { kind: 'close' }
  private decoder: ChunkedDecoder | null = null
  private left = 0
  private reusable = false
  private receivedAny = false
  /** The buffer `pushRange` copies from: one bound callback per exchange, not a closure per read. */
  private bodyBuffer: Buffer = READ_BUFFER
  private readonly pushRange = (from: number, to: number): void => {
    this.stream?.push(copy(this.bodyBuffer, from, to))
  }
  /** The body is complete: the connection belongs to the pool (or the next exchange) now. */
  private done = false
  aborted = false

  constructor(
    private readonly connection: Connection,
    private readonly resolve: (stream: UpstreamStream) => void,
    private readonly reject: (error: Error) => void,
    /** Sends the request again on a new connection (a reused one was closed under us). */
    private readonly retryFresh: () => void,
  ) {}

  abort(): void {
    if (this.aborted || this.done) return
    this.aborted = true
    this.connection.socket.destroy()
  }

  /** The socket read `n` bytes into READ_BUFFER. */
  onRead(n: number): void {
    this.receivedAny = true
    try {
      if (this.stream) this.onBody(READ_BUFFER, 0, n)
      else this.onHeadBytes(n)
    } catch (error) {
      // Only bad framing ends the exchange here; a throwing `data` listener is the caller's bug.
      if (!(error instanceof FramingError)) throw error
      this.connection.socket.destroy()
      if (!this.stream) this.reject(new ExchangeError(`HPE_${error.message}`))
    }
  }

  /** The connection closed (after an error, with its code). */
  onClose(code: string | undefined): void {
    const stream = this.stream
    if (stream) {
      if (this.framing.kind === 'close' && !this.aborted) stream.finish()
      else stream.fail()
      return
    }
    // A kept-alive connection the server closed just as we reused it: nothing was processed, and
    // every HTTP client sends the request again on a new connection.
    if (this.connection.reused && !this.receivedAny && !this.aborted) {
      this.retryFresh()
      return
    }
    this.reject(new ExchangeError(this.aborted ? 'ABORT_ERR' : (code ?? 'ECONNRESET')))
  }

  private onHeadBytes(n: number): void {
    let bytes = READ_BUFFER.subarray(0, n)
    if (this.headBytes) bytes = Buffer.concat([this.headBytes, bytes])
    for (;;) {
      const end = headEnd(bytes)
      if (end === -1) {
        if (bytes.length > MAX_HEAD_BYTES) throw new FramingError('HEADER_OVERFLOW')
        // Kept as a copy: the shared read buffer is overwritten by the next read.
        this.headBytes = Buffer.from(bytes)
        return
      }
      const head = parseHead(bytes.toString('latin1', 0, end - 4))
      if (head.statusCode >= 100 && head.statusCode < 200) {
        // An interim response (100 Continue, 103 Early Hints): the real one follows.
        bytes = bytes.subarray(end)
        continue
      }
      this.headBytes = null
      this.begin(head)
      this.onBody(bytes, end, bytes.length)
      return
    }
  }

  private begin(head: ResponseHead): void {
    this.framing = bodyFraming(head)
    this.reusable = keepsAlive(head) && this.framing.kind !== 'close'
    if (this.framing.kind === 'chunked') this.decoder = new ChunkedDecoder()
    if (this.framing.kind === 'length') this.left = this.framing.bytes
    const stream = new UpstreamStream(head, {
      pause: () => this.connection.pauseFor(this),
      resume: () => this.connection.resumeFor(this),
    })
    this.stream = stream
    this.resolve(stream)
    if (this.framing.kind === 'length' && this.left === 0) this.complete(false)
  }

  private onBody(buf: Buffer, start: number, end: number): void {
    const stream = this.stream!
    if (this.decoder) {
      this.bodyBuffer = buf
      const stop = this.decoder.push(buf, start, end, this.pushRange)
      if (this.decoder.done) this.complete(stop < end)
    } else if (this.framing.kind === 'length') {
      const to = Math.min(end, start + this.left)
      if (to > start) stream.push(copy(buf, start, to))
      this.left -= to - start
      if (this.left === 0) this.complete(to < end)
    } else if (end > start) {
      stream.push(copy(buf, start, end))
    }
  }

  /** The body is complete; `extra` means bytes followed it, so the connection cannot be trusted. */
  private complete(extra: boolean): void {
    const stream = this.stream!
    this.done = true
    if (this.reusable && !extra && !this.aborted) this.connection.release(this)
    else this.connection.socket.destroy()
    stream.finish()
  }
}

/** A body piece in memory of its own, carved from a shared slab (not one ArrayBuffer each). */
function copy(buf: Buffer, from: number, to: number): Buffer {
  const out = carve(to - from)
  buf.copy(out, 0, from, to)
  return out
}
