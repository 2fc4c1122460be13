import http from 'node:http'
import net, { type AddressInfo } from 'node:net'

/** A forward proxy on 127.0.0.1 that only tunnels (CONNECT), as corporate and cloud egress proxies do. */
export interface ConnectProxy {
  /** `http://127.0.0.1:<port>` (with `user:pass@` when it asks for credentials). */
  url: string
  /** The `host:port` of every tunnel asked for, in order. */
  tunnels: string[]
  /** `Proxy-Authorization` of every CONNECT, in order (undefined when none was sent). */
  authorizations: (string | undefined)[]
  close(): Promise<void>
}

/** Options of `startConnectProxy`. */
export interface ConnectProxyOptions {
  /** Answer every CONNECT with this status instead of opening the tunnel. */
  refuse?: number
  /** Require these credentials (Basic), and put them in `url`. */
  credentials?: { user: string; password: string }
}

/**
 * Starts the proxy. Plain proxied requests (`GET http://…`) get 405: a client that does not
 * tunnel is caught, not served.
 */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>()
  const tunnels: string[] = []
  const authorizations: (string | undefined)[] = []
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { Connection: 'close' })
    res.end('this proxy only tunnels')
  })
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? ''
    tunnels.push(target)
    authorizations.push(req.headers['proxy-authorization'])
    client.on('error', () => undefined)
    const status = options.refuse ?? (expected && req.headers['proxy-authorization'] !== expected ? 407 : 200)
    if (status !== 200) {
      client.end(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    const colon = target.lastIndexOf(':')
    const upstream = net.connect(Number(target.slice(colon + 1)), target.slice(0, colon), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => {
      sockets.delete(upstream)
      client.destroy()
    })
    client.on('close', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const auth = options.credentials ? `${options.credentials.user}:${options.credentials.password}@` : ''
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    tunnels,
    authorizations,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
