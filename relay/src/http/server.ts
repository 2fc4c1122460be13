import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { CONNECTION_CHECK_MS, loadConfig, type RelayConfig } from '../config'
import { createRelayApp, type RelayApp, type RelayOptions } from './app'
import { isTrustedProxy } from './client-address'
import { capConnections } from './connection-caps'

/** A relay listening on a port. */
export interface Relay {
  /** `http://host:port` (no trailing slash). */
  url: string
  port: number
  /** Ends open streams with an error frame, closes every connection, the Redis client and the hooks. */
  close(): Promise<void>
}

/** The server-side limits `listen` applies (RelayConfig has them all). */
export type ServerLimits = Pick<
  RelayConfig,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'maxConnections' | 'maxConnectionsPerAddress' | 'trustProxy'
>

/**
 * Serves `app` on `host:port` (port 0 = a free one) with the backlog streams need, the request
 * timeouts (checked every CONNECTION_CHECK_MS) and the connection caps.
 */
export async function listen(
  app: RelayApp,
  host: string,
  port: number,
  limits: ServerLimits = loadConfig({}),
): Promise<Relay> {
  const server = http.createServer({ connectionsCheckingInterval: CONNECTION_CHECK_MS }, app.handle)
  // Receiving a request is bounded (headers, then headers and body; the body also has a timer of
  // its own in readBody). The answer is not: a stream may run long and sit idle between heartbeats,
  // and a client that stops reading it is dropped by the write deadline instead.
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  capConnections(server, {
    max: limits.maxConnections,
    perAddress: limits.maxConnectionsPerAddress,
    // A trusted proxy's connections carry many clients: it has to cap them (nginx: limit_conn).
    exempt: (address) => isTrustedProxy(limits.trustProxy, address),
  })
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
        // Resumable answers' readers write their last frames from the store: those go out first too.
        void app.readersEnded().then(() => server.closeAllConnections())
      })
      await closing
    },
  }
}

/** Starts the relay on `config.host:config.port`: `createRelayApp` plus `listen`. */
export function createRelay(config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  return listen(createRelayApp(config, options), config.host, config.port, config)
}
