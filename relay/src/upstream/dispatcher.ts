import { Agent, type Dispatcher, EnvHttpProxyAgent, Pool } from 'undici'
import type { ProxyConfig } from '../config'

/** How the relay's connections to upstreams are made and kept. */
export interface DispatcherSettings {
  /** Forward proxies (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`); null = direct. */
  proxy: ProxyConfig | null
  /** Connecting, including a proxy's CONNECT tunnel and the TLS handshake. */
  connectTimeoutMs: number
  /**
   * Certificate authorities to trust instead of Node's (a private CA, or a test's). Deployments
   * can set NODE_EXTRA_CA_CERTS instead.
   */
  ca?: string | Buffer
}

/**
 * Idle kept-alive connections are closed after this long, or sooner when the upstream says so
 * (`Keep-Alive: timeout=N`, less undici's two-second margin).
 */
const KEEP_ALIVE_MS = 30_000

/**
 * The undici dispatcher every upstream request goes through: an Agent keeps one keep-alive pool
 * per upstream origin (no cap on connections: each open stream holds one). With a proxy
 * configured, undici's EnvHttpProxyAgent picks the proxy per request by scheme and NO_PROXY, and
 * tunnels through it with CONNECT (for http:// upstreams too), keeping the tunnels alive the same way.
 */
export function createDispatcher(settings: DispatcherSettings): Dispatcher {
  const tls = settings.ca === undefined ? {} : { ca: settings.ca }
  const common = {
    keepAliveTimeout: KEEP_ALIVE_MS,
    connect: { timeout: settings.connectTimeoutMs, ...tls },
  }
  const proxy = settings.proxy
  if (!proxy) return new Agent(common)
  return new EnvHttpProxyAgent({
    ...common,
    // Set explicitly ('' = none), so undici never falls back to this process's own environment:
    // the relay reads its settings from the environment it was given.
    httpProxy: proxy.httpProxy,
    httpsProxy: proxy.httpsProxy,
    noProxy: proxy.noProxy,
    // The TLS session to the upstream inside the tunnel.
    requestTls: { timeout: settings.connectTimeoutMs, ...tls },
    // The connection to the proxy itself, and its answer to CONNECT, are part of connecting too.
    proxyTls: { timeout: settings.connectTimeoutMs },
    clientFactory: (origin: URL, options: object) =>
      new Pool(origin, { ...options, headersTimeout: settings.connectTimeoutMs }),
  })
}
