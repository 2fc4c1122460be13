import { randomBytes } from 'node:crypto'
import { type ProxyTrust, parseProxyTrust } from './http/client-address'
import { loadMediaConfig, type MediaConfig } from './media/config'
import { loadReviewConfig, type ReviewConfig } from './review/config'

/** One OpenAI-compatible upstream. */
export interface UpstreamConfig {
  /** Base URL without the trailing slash, e.g. `https://api.deepseek.com/v1`. */
  baseUrl: string
  /** Sent as `Authorization: Bearer …`; never logged or returned. */
  apiKey: string
}

/** Forward proxies for upstream requests, as undici's EnvHttpProxyAgent understands them. */
export interface ProxyConfig {
  /** `HTTP_PROXY`: for http:// upstreams (and https:// ones when `httpsProxy` is empty); '' = none. */
  httpProxy: string
  /** `HTTPS_PROXY`: for https:// upstreams; '' = none. */
  httpsProxy: string
  /** `NO_PROXY`: hosts reached directly (`host`, `.domain`, `host:port`, `*`), comma-separated. */
  noProxy: string
}

/** Resumable answers (`X-Generation-Id`, ./generations/): how long they are kept and how many may run. */
export interface GenerationConfig {
  /** `RELAY_GENERATION_TTL_MS`: how long a generation stays readable after its end. */
  ttlMs: number
  /** `RELAY_DETACHED_TIMEOUT_MS`: a live generation nobody has been attached to this long is cancelled. */
  detachedTimeoutMs: number
  /** `RELAY_GENERATIONS_PER_CALLER`: live generations per caller (429 `too_many_generations` past it). */
  perCaller: number
  /** `RELAY_MAX_GENERATIONS`: live generations in this process (429 `relay_at_capacity` past it). */
  max: number
  /** `RELAY_GENERATION_MAX_BYTES`: recorded bytes per generation; past it, it ends with `generation_too_large`. */
  maxBytes: number
}

/** Everything the relay reads from the environment (see README's table); code-level options are `RelayOptions`. */
export interface RelayConfig {
  host: string
  port: number
  /** Absent → the built-in demo model answers. */
  upstream: UpstreamConfig | null
  fallback: UpstreamConfig | null
  /** Null: upstreams are reached directly. */
  proxy: ProxyConfig | null
  /** Allow-list; the first is the default model. Empty (only with an upstream) = any model the upstream knows. */
  models: string[]
  /** Static client bearer tokens; empty → open relay. */
  tokens: string[]
  heartbeatMs: number
  commitMs: number
  idleTimeoutMs: number
  maxBodyBytes: number
  /** Requests per minute per client; 0 = off. */
  rateLimit: number
  redisUrl: string | null
  corsOrigins: string[]
  demoDelayMs: number
  /** Upper bound for `max_tokens` (larger requests are capped, not refused); always sent. */
  maxTokensCap: number
  /** Service information, agreement texts and feedback settings (WeChat review). */
  review: ReviewConfig
  /** Photos (uploads, vision models) and voice (transcription). */
  media: MediaConfig
  /** `RELAY_ALLOW_TOOLS=1`: forward `tools` (their call arguments are content-checked like text). */
  allowTools: boolean
  /** Longest a client may take to send a request's headers. */
  headersTimeoutMs: number
  /** Longest a client may take to send a whole request, headers and body. */
  requestTimeoutMs: number
  /** Longest a client may leave written bytes unread (its socket full) before it is dropped. */
  writeTimeoutMs: number
  /** Open client connections, in all and per client address (0 = no per-address cap). */
  maxConnections: number
  maxConnectionsPerAddress: number
  /** `RELAY_TRUST_PROXY`: whose `X-Forwarded-For` gives the client's address. */
  trustProxy: ProxyTrust
  /** `RELAY_HASH_SALT`: key of the hashes that stand for WeChat users in logs (random per start when unset). */
  hashSalt: string
  /** Resumable answers. */
  generations: GenerationConfig
}

/**
 * How often Node looks for requests past `headersTimeout`: a slow client is dropped at most this
 * much later than its timeout. Set, not left at Node's default (30 s), so the bound is the relay's.
 */
export const CONNECTION_CHECK_MS = 1000

/** No client may hold a connection with a request it has not finished sending for longer than this. */
export const SLOW_REQUEST_BOUND_MS = 40_000

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim() ?? ''
  if (raw === '' || raw === '0' || raw === 'false') return false
  if (raw === '1' || raw === 'true') return true
  throw new Error(`${name} must be 1 or 0, got "${raw}"`)
}

function baseUrl(name: string, raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL, got "${raw}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must use http or https, got "${url.protocol}"`)
  }
  return raw.replace(/\/+$/, '')
}

function upstream(env: NodeJS.ProcessEnv, urlName: string, keyName: string): UpstreamConfig | null {
  const raw = env[urlName]?.trim()
  if (!raw) return null
  const apiKey = env[keyName]?.trim() ?? ''
  // It becomes a header line: a pasted line break would make every request fail at run time.
  if (/[\r\n\0]/.test(apiKey)) throw new Error(`${keyName} must not contain line breaks`)
  return { baseUrl: baseUrl(urlName, raw), apiKey }
}

/** The proxy variables, lower case first as curl and undici read them; null when neither proxy is set. */
function proxy(env: NodeJS.ProcessEnv): ProxyConfig | null {
  const read = (name: string): string => (env[name.toLowerCase()] ?? env[name] ?? '').trim()
  const [httpProxy, httpsProxy] = ['HTTP_PROXY', 'HTTPS_PROXY'].map((name) => {
    const value = read(name)
    try {
      if (value !== '') baseUrl(name, value)
    } catch {
      // Not the value itself: a proxy URL may carry a password.
      throw new Error(`${name} must be an http(s) URL such as http://proxy.internal:3128`)
    }
    return value
  }) as [string, string]
  if (httpProxy === '' && httpsProxy === '') return null
  return { httpProxy, httpsProxy, noProxy: read('NO_PROXY') }
}

/** Reads and validates the relay's settings; throws an Error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): RelayConfig {
  const primary = upstream(env, 'UPSTREAM_BASE_URL', 'UPSTREAM_API_KEY')
  const fallback = upstream(env, 'UPSTREAM_FALLBACK_BASE_URL', 'UPSTREAM_FALLBACK_API_KEY')
  if (fallback && !primary) throw new Error('UPSTREAM_FALLBACK_BASE_URL needs UPSTREAM_BASE_URL')
  const models = list(env.RELAY_MODELS)
  const corsRaw = env.RELAY_CORS_ORIGINS
  const hashSalt = env.RELAY_HASH_SALT?.trim() || randomBytes(16).toString('hex')
  const media = loadMediaConfig(env, hashSalt)
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: integer(env, 'PORT', 8787, 0, 65535),
    upstream: primary,
    fallback,
    proxy: proxy(env),
    models: models.length > 0 || primary ? models : ['demo'],
    tokens: list(env.RELAY_TOKENS),
    heartbeatMs: integer(env, 'RELAY_HEARTBEAT_MS', 10000, 1, 3_600_000),
    commitMs: integer(env, 'RELAY_COMMIT_MS', 2000, 0, 600_000),
    idleTimeoutMs: integer(env, 'RELAY_IDLE_TIMEOUT_MS', 60000, 1, 3_600_000),
    maxBodyBytes: integer(env, 'RELAY_MAX_BODY_BYTES', 1024 * 1024, 1, 100 * 1024 * 1024),
    rateLimit: integer(env, 'RELAY_RATE_LIMIT', 0, 0, 1_000_000),
    redisUrl: env.REDIS_URL?.trim() || null,
    corsOrigins: corsRaw === undefined ? ['http://127.0.0.1:5173', 'http://localhost:5173'] : list(corsRaw),
    demoDelayMs: integer(env, 'RELAY_DEMO_DELAY_MS', 30, 0, 10_000),
    maxTokensCap: integer(env, 'RELAY_MAX_TOKENS', 8192, 1, 10_000_000),
    review: loadReviewConfig(env, models.length > 0 || primary ? models : ['demo'], media.visionModels),
    media,
    allowTools: flag(env, 'RELAY_ALLOW_TOOLS'),
    ...clientLimits(env),
    trustProxy: parseProxyTrust(env.RELAY_TRUST_PROXY ?? ''),
    hashSalt,
    generations: generationLimits(env),
  }
}

/** Retention and caps of resumable answers (README: Resumable answers). */
function generationLimits(env: NodeJS.ProcessEnv): GenerationConfig {
  return {
    ttlMs: integer(env, 'RELAY_GENERATION_TTL_MS', 600_000, 1, 7 * 86_400_000),
    detachedTimeoutMs: integer(env, 'RELAY_DETACHED_TIMEOUT_MS', 300_000, 1, 86_400_000),
    perCaller: integer(env, 'RELAY_GENERATIONS_PER_CALLER', 4, 1, 1_000_000),
    max: integer(env, 'RELAY_MAX_GENERATIONS', 1000, 1, 10_000_000),
    maxBytes: integer(env, 'RELAY_GENERATION_MAX_BYTES', 4 * 1024 * 1024, 1024, 1024 ** 3),
  }
}

/** Timeouts and connection caps on the client side; a slow request is always gone within 40 s. */
function clientLimits(env: NodeJS.ProcessEnv) {
  const latest = SLOW_REQUEST_BOUND_MS - CONNECTION_CHECK_MS
  const requestTimeoutMs = integer(env, 'RELAY_REQUEST_TIMEOUT_MS', 30_000, 1000, latest)
  return {
    headersTimeoutMs: integer(
      env,
      'RELAY_HEADERS_TIMEOUT_MS',
      Math.min(15_000, requestTimeoutMs),
      1000,
      requestTimeoutMs,
    ),
    requestTimeoutMs,
    writeTimeoutMs: integer(env, 'RELAY_WRITE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    maxConnections: integer(env, 'RELAY_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    maxConnectionsPerAddress: integer(env, 'RELAY_MAX_CONNECTIONS_PER_IP', 256, 0, 1_000_000),
  }
}

/** The keys, tokens and proxy passwords no response or log line may contain. */
export function secretsOf(config: RelayConfig): string[] {
  const proxies = [config.proxy?.httpProxy, config.proxy?.httpsProxy].filter((url) => url)
  const passwords = proxies.map((url) => decodeURIComponent(new URL(url as string).password))
  return [
    config.upstream?.apiKey ?? '',
    config.fallback?.apiKey ?? '',
    ...config.tokens,
    ...passwords,
  ].filter((s) => s !== '')
}
