import net from 'node:net'

/** A raw TCP client of a relay: what it sent, what came back, and when the relay closed it. */
export interface RawClient {
  socket: net.Socket
  /** Everything received so far. */
  received(): string
  /** Resolves with the ms from connecting until the relay closed (or reset) the connection. */
  closed: Promise<number>
}

/** Connects to `url`'s host and port; `read: false` never reads (the client that stops reading). */
export function rawClient(url: string, options: { read?: boolean } = {}): Promise<RawClient> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const chunks: Buffer[] = []
    const socket = net.connect(Number(port), hostname)
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)))
    socket.on('error', () => undefined)
    socket.once('connect', () => {
      if (options.read === false) socket.pause()
      else socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      resolve({ socket, received: () => Buffer.concat(chunks).toString('utf8'), closed })
    })
    socket.once('error', reject)
  })
}
