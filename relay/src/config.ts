/** One OpenAI-compatible upstream. */
export interface UpstreamConfig {
  /** Base URL without the trailing slash, e.g. `https://api.deepseek.com/v1`. */
  baseUrl: string
  /** Sent as `Authorization: Bearer …`; never logged or returned. */
  apiKey: string
}

/** Everything the relay reads from the environment (see README's table); code-level options are `RelayOptions`. */
export interface RelayConfig {
  host: string
  port: number
  /** Absent → the built-in demo model answers. */
  upstream: UpstreamConfig | null
  fallback: UpstreamConfig | null
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
  /** Upper bound for `max_tokens` (larger requests are capped, not refused). */
  maxTokensCap: number
}

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
  return { baseUrl: baseUrl(urlName, raw), apiKey: env[keyName]?.trim() ?? '' }
}

/** Reads and validates the relay's settings; throws an Error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): RelayConfig {
  const primary = upstream(env, 'UPSTREAM_BASE_URL', 'UPSTREAM_API_KEY')
  const fallback = upstream(env, 'UPSTREAM_FALLBACK_BASE_URL', 'UPSTREAM_FALLBACK_API_KEY')
  if (fallback && !primary) throw new Error('UPSTREAM_FALLBACK_BASE_URL needs UPSTREAM_BASE_URL')
  const models = list(env.RELAY_MODELS)
  const corsRaw = env.RELAY_CORS_ORIGINS
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: integer(env, 'PORT', 8787, 0, 65535),
    upstream: primary,
    fallback,
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
  }
}

/** The keys and tokens no response or log line may contain. */
export function secretsOf(config: RelayConfig): string[] {
  return [config.upstream?.apiKey ?? '', config.fallback?.apiKey ?? '', ...config.tokens].filter(
    (s) => s !== '',
  )
}
