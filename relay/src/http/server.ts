import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RelayConfig } from '../config'
import { createRelayApp, type RelayApp, type RelayOptions } from './app'

/** A relay listening on a port. */
export interface Relay {
  /** `http://host:port` (no trailing slash). */
  url: string
  port: number
  /** Ends open streams with an error frame, closes every connection, the Redis client and the hooks. */
  close(): Promise<void>
}

/** Serves `app` on `host:port` (port 0 = a free one) with the timeouts and backlog streams need. */
export async function listen(app: RelayApp, host: string, port: number): Promise<Relay> {
  const server = http.createServer(app.handle)
  // Streams may sit idle between heartbeats; Node's default timeouts must not cut them.
  server.requestTimeout = 0
  server.headersTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Node's default backlog (511) overflows when a thousand clients connect within a second or
    // two; the kernel caps this at net.core.somaxconn.
    server.listen({ port, host, backlog: 4096 }, () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  const url = `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${bound}`
  app.started(url)
  return {
    url,
    port: bound,
    async close() {
      // The app ends its open streams first, so their error frames go out before the sockets close.
      const closing = app.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await closing
    },
  }
}

/** Starts the relay on `config.host:config.port`: `createRelayApp` plus `listen`. */
export function createRelay(config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  return listen(createRelayApp(config, options), config.host, config.port)
}
