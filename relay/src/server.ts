import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { authenticate } from './auth'
import { type ChatDeps, checkRate, handleChat } from './chat'
import { secretsOf } from './chat-upstream'
import type { RelayConfig } from './config'
import { applyCors } from './cors'
import { RelayError } from './errors'
import { createLogger, stdoutSink } from './log'
import { health, listModels } from './models'
import { createMemoryLimiter, createRedisLimiter, type RateLimiter } from './rate-limit'
import { sendError, sendJson } from './respond'

/** A running relay. */
export interface Relay {
  /** `http://host:port` (no trailing slash). */
  url: string
  port: number
  /** Ends open streams with an error frame, closes every connection and the Redis client. */
  close(): Promise<void>
}

const METHODS: Record<string, string> = {
  '/v1/chat/completions': 'POST',
  '/v1/models': 'GET',
  '/healthz': 'GET',
}

/** Plain paths (letters, digits, `_`, `-`, `/`) up to `?`/`#` need no URL parsing to normalise. */
const PLAIN_PATH = /^\/(?!\/)[\w\-/]*(?=[?#]|$)/

/** The request's path as `URL` would normalise it, without parsing a URL per request. */
function pathOf(url: string): string {
  return PLAIN_PATH.exec(url)?.[0] ?? new URL(url, 'http://relay').pathname
}

async function route(req: IncomingMessage, res: ServerResponse, deps: ChatDeps): Promise<void> {
  const { config } = deps
  if (applyCors(req, res, config.corsOrigins)) return
  const path = pathOf(req.url ?? '/')
  const custom = config.hooks?.routes?.[`${req.method} ${path}`]
  if (custom) return custom(req, res, config)
  const method = METHODS[path]
  if (!method) throw new RelayError(404, 'not_found', `No route for ${path}`)
  if (req.method !== method) {
    throw new RelayError(405, 'method_not_allowed', `${path} only accepts ${method}`, { Allow: method })
  }
  if (path === '/healthz') return sendJson(res, 200, health(config))
  if (path === '/v1/models') {
    const user = await authenticate(req, config)
    await checkRate(deps.limiter, user)
    return sendJson(res, 200, await listModels(config))
  }
  return handleChat(req, res, deps)
}

function createLimiter(config: RelayConfig, deps: Pick<ChatDeps, 'log'>): RateLimiter | null {
  if (config.rateLimit <= 0) return null
  if (config.redisUrl) return createRedisLimiter(config.redisUrl, config.rateLimit, deps.log)
  return createMemoryLimiter(config.rateLimit)
}

/** Starts the relay on `config.host:config.port` (port 0 = a free one). */
export async function createRelay(config: RelayConfig): Promise<Relay> {
  const log = createLogger(secretsOf(config), config.logSink ?? stdoutSink)
  const deps: ChatDeps = { config, log, limiter: null, active: new Map() }
  deps.limiter = createLimiter(config, deps)
  const server = http.createServer((req, res) => {
    route(req, res, deps).catch((error: unknown) => {
      if (!(error instanceof RelayError)) log.error('request failed', { error: (error as Error).message })
      sendError(res, error)
    })
  })
  // Streams may sit idle between heartbeats; Node's default timeouts must not cut them.
  server.requestTimeout = 0
  server.headersTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Node's default backlog (511) overflows when a thousand clients connect within a second or
    // two; the kernel caps this at net.core.somaxconn.
    server.listen({ port: config.port, host: config.host, backlog: 4096 }, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  log.info('relay started', {
    url,
    upstream: health(config).upstream,
    demo: !config.upstream,
    models: config.models,
    auth: config.tokens.length > 0 || config.hooks?.authenticate ? 'on' : 'open',
    rateLimit: config.rateLimit,
    redis: config.redisUrl !== null,
  })
  return {
    url,
    port,
    async close() {
      for (const end of [...deps.active.values()]) end()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await deps.limiter?.close()
      await config.hooks?.close?.()
    },
  }
}
