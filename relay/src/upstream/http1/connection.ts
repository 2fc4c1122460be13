import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { type ConnectionOptions, connect as connectTls } from 'node:tls'

/**
 * Shared by every upstream socket: reads are delivered one at a time on this thread, and each is
 * fully consumed (copied or parsed) before its callback returns.
 */
export const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)
/** Idle pooled connections are closed after this long (servers drop theirs after 5–120 s anyway). */
const IDLE_MS = 30_000
/** Idle connections kept per origin: enough for a burst of 1,000 streams to reuse them all. */
const MAX_IDLE_PER_ORIGIN = 4096

/** Certificate authorities to trust instead of Node's (a private CA). */
export interface TrustOptions {
  ca: string | Buffer
}

/** What runs on a connection: one exchange at a time. */
export interface ConnectionUser {
  /** The socket read `n` bytes into READ_BUFFER. */
  onRead(n: number): void
  /** The connection closed (after an error, with its code). */
  onClose(code: string | undefined): void
}

const idle = new Map<string, Connection[]>()

/** An idle kept-alive connection to the URL's origin, or a new one. */
export function acquire(url: URL): Connection {
  const list = idle.get(url.origin)
  while (list && list.length > 0) {
    const connection = list.pop()!
    if (!connection.socket.destroyed) return connection
  }
  return new Connection(url)
}

/** A socket to one origin that carries one exchange at a time and is pooled between them. */
export class Connection {
  readonly socket: Socket
  /** Taken from the pool (it may have been closed by the server meanwhile). */
  reused = false
  private exchange: ConnectionUser | null = null
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

  start(exchange: ConnectionUser, request: Buffer): void {
    this.exchange = exchange
    if (this.reused) {
      this.socket.setTimeout(0)
      this.socket.ref()
    }
    this.socket.write(request)
  }

  pauseFor(exchange: ConnectionUser): void {
    if (this.exchange === exchange) this.socket.pause()
  }

  resumeFor(exchange: ConnectionUser): void {
    if (this.exchange === exchange) this.socket.resume()
  }

  /** Back to the pool, reading (so a close by the server is noticed) but not keeping the process up. */
  release(exchange: ConnectionUser): void {
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
