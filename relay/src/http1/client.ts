import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { type ConnectionOptions, connect as connectTls } from 'node:tls'
import { carve } from '../slab'
import { ChunkedDecoder } from './chunked'
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

/**
 * A minimal HTTP/1.1 client for the relay's POSTs upstream, in place of node:http.
 *
 * Why: a streamed answer is thousands of small reads per second, and node:http allocates two
 * ArrayBuffers for each (the socket read, then a copy of the body by its parser), plus the
 * IncomingMessage stream machinery. At 1,000 streams that was most of the relay's garbage, and
 * sweeping those ArrayBuffers was most of each garbage-collector pause, which every stream waits
 * out. Here every socket reads into ONE shared buffer (`onread`), each body piece is copied once
 * into pooled memory, and connections are kept alive per origin.
 *
 * Scope: what an OpenAI-style upstream answers: chunked, sized or close-delimited bodies, 1xx
 * interim responses skipped, keep-alive, HTTP or HTTPS. No redirects, no proxies, no compression
 * (the relay asks for `identity`).
 */

/**
 * Shared by every upstream socket: reads are delivered one at a time on this thread, and each is
 * fully consumed (copied or parsed) before its callback returns.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)
/** Idle pooled connections are closed after this long (servers drop theirs after 5–120 s anyway). */
const IDLE_MS = 30_000
/** Idle connections kept per origin: enough for a burst of 1,000 streams to reuse them all. */
const MAX_IDLE_PER_ORIGIN = 4096

/** A failure before the response head: `code` names the cause (ECONNREFUSED, ECONNRESET, HPE_…). */
export class ExchangeError extends Error {
  override name = 'ExchangeError'
  constructor(readonly code: string) {
    super(code)
  }
}

/** Cancels a request: `onAbort` runs its callback once, at once if already aborted. */
export interface RequestCancellation {
  readonly aborted: boolean
  onAbort(callback: () => void): void
}

const idle = new Map<string, Connection[]>()

/** Certificate authorities to trust instead of Node's (a private CA). */
export interface TrustOptions {
  ca: string | Buffer
}

/**
 * POSTs `payload` to `url` and resolves with the response as soon as its head has arrived; the
 * body follows as `data` events. Rejects with an ExchangeError when no response head came.
 * With `trust`, the TLS connection is made with those CAs and not pooled (deployments can use
 * NODE_EXTRA_CA_CERTS instead, which keeps pooling).
 */
export function post(
  url: URL,
  headers: Record<string, string | number>,
  payload: Buffer,
  cancellation: RequestCancellation,
  trust?: TrustOptions,
): Promise<UpstreamStream> {
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n`
  for (const [name, value] of Object.entries(headers)) {
    const text = String(value)
    // A newline in a configured value (an API key pasted with one) would split the request.
    if (/[\r\n]/.test(text)) return Promise.reject(new Error(`invalid characters in header ${name}`))
    head += `${name}: ${text}\r\n`
  }
  const request = Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), payload])
  return new Promise((resolve, reject) => {
    // The exchange in flight (a retry on a fresh connection replaces it), for the cancellation.
    let current: Exchange | null = null
    const send = (fresh: boolean): void => {
      const connection = fresh || trust ? new Connection(url, trust) : acquire(url)
      current = new Exchange(connection, resolve, reject, () => send(true))
      connection.start(current, request)
    }
    if (cancellation.aborted) {
      reject(new ExchangeError('ABORT_ERR'))
      return
    }
    send(false)
    cancellation.onAbort(() => current?.abort())
  })
}

function acquire(url: URL): Connection {
  const list = idle.get(url.origin)
  while (list && list.length > 0) {
    const connection = list.pop()!
    if (!connection.socket.destroyed) return connection
  }
  return new Connection(url)
}

/** One request/response on a connection: parses the head, then the body by its framing. */
class Exchange {
  private headBytes: Buffer | null = null
  private stream: UpstreamStream | null = null
  private framing: BodyFraming = { kind: 'close' }
  private decoder: ChunkedDecoder | null = null
  private left = 0
  private reusable = false
  private receivedAny = false
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
      abort: () => this.abort(),
    })
    this.stream = stream
    this.resolve(stream)
    if (this.framing.kind === 'length' && this.left === 0) this.complete(false)
  }

  private onBody(buf: Buffer, start: number, end: number): void {
    const stream = this.stream!
    if (this.decoder) {
      const stop = this.decoder.push(buf, start, end, (from, to) => stream.push(copy(buf, from, to)))
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

/** A socket to one origin that carries one exchange at a time and is pooled between them. */
class Connection {
  readonly socket: Socket
  /** Taken from the pool (it may have been closed by the server meanwhile). */
  reused = false
  private exchange: Exchange | null = null
  private errorCode: string | undefined
  private readonly origin: string

  constructor(
    url: URL,
    private readonly trust?: TrustOptions,
  ) {
    this.origin = url.origin
    const secure = url.protocol === 'https:'
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const port = Number(url.port) || (secure ? 443 : 80)
    const onread = {
      buffer: READ_BUFFER,
      callback: (n: number): boolean => {
        if (this.exchange) this.exchange.onRead(n)
        // Bytes on an idle connection are not HTTP we asked for.
        else this.socket.destroy()
        return true
      },
    }
    // TLS sockets take `onread` too (Node ≥ 15.1), though @types/node only declares it for net.
    const tls: ConnectionOptions & { onread: typeof onread } = {
      host,
      port,
      servername: isIP(host) ? undefined : host,
      ALPNProtocols: ['http/1.1'],
      onread,
      ...(trust ? { ca: trust.ca } : {}),
    }
    this.socket = secure ? connectTls(tls) : connectTcp({ host, port, onread })
    this.socket.setNoDelay(true)
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      this.errorCode = error.code ?? error.message
    })
    this.socket.on('close', () => {
      this.removeFromPool()
      const exchange = this.exchange
      this.exchange = null
      exchange?.onClose(this.errorCode)
    })
    this.socket.on('timeout', () => {
      if (!this.exchange) this.socket.destroy()
    })
  }

  start(exchange: Exchange, request: Buffer): void {
    this.exchange = exchange
    if (this.reused) {
      this.socket.setTimeout(0)
      this.socket.ref()
    }
    this.socket.write(request)
  }

  pauseFor(exchange: Exchange): void {
    if (this.exchange === exchange) this.socket.pause()
  }

  resumeFor(exchange: Exchange): void {
    if (this.exchange === exchange) this.socket.resume()
  }

  /** Back to the pool, reading (so a close by the server is noticed) but not keeping the process up. */
  release(exchange: Exchange): void {
    if (this.exchange !== exchange) return
    this.exchange = null
    const list = idle.get(this.origin) ?? []
    if (list.length >= MAX_IDLE_PER_ORIGIN || this.trust) {
      this.socket.destroy()
      return
    }
    idle.set(this.origin, list)
    list.push(this)
    this.reused = true
    this.socket.resume()
    this.socket.unref()
    this.socket.setTimeout(IDLE_MS)
  }

  private removeFromPool(): void {
    const list = idle.get(this.origin)
    const at = list?.indexOf(this) ?? -1
    if (list && at !== -1) list.splice(at, 1)
  }
}
