import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { UpstreamConfig } from '../config'
import { RelayError } from '../errors'
import { redact } from '../log'
import { ExchangeError, post, type RequestCancellation } from './http1/client'
import type { UpstreamStream } from './http1/upstream-stream'

// Keep-alive pools for the model list (GET /models). Chat completions go through ./http1, which
// keeps its own connections alive per origin.
const POOL = { keepAlive: true }
const httpAgent = new http.Agent(POOL)
const httpsAgent = new https.Agent(POOL)

const urls = new Map<string, URL>()

/** Upstream URLs are a handful of fixed strings: parsed once, not per request. */
function parsedUrl(href: string): URL {
  let url = urls.get(href)
  if (!url) {
    url = new URL(href)
    urls.set(href, url)
  }
  return url
}

/** Aborts an upstream request: the HTTP client's own cancellation, which attempts implement. */
export type Cancellation = RequestCancellation

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })
}

/** A failure to reach the upstream at all (refused, reset, DNS…): worth one retry. */
export class UpstreamConnectionError extends Error {
  override name = 'UpstreamConnectionError'
}

/**
 * POSTs JSON to `{baseUrl}{path}` with the upstream key (never the client's
 * Authorization) and resolves with the response as soon as its headers arrive.
 */
export async function openUpstream(
  upstream: UpstreamConfig,
  path: string,
  payload: Buffer,
  cancellation: Cancellation,
  accept: string,
): Promise<UpstreamStream> {
  const url = parsedUrl(`${upstream.baseUrl}${path}`)
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': payload.length,
    Accept: accept,
    // Raw SSE bytes are forwarded as they are, so they must not arrive compressed.
    'Accept-Encoding': 'identity',
    'User-Agent': 'wechat-ai-chat-relay',
  }
  if (upstream.apiKey) headers.Authorization = `Bearer ${upstream.apiKey}`
  try {
    return await post(url, headers, payload, cancellation)
  } catch (error) {
    if (cancellation.aborted) throw abortError()
    throw new UpstreamConnectionError(error instanceof ExchangeError ? error.code : (error as Error).message)
  }
}

/** GETs `{baseUrl}{path}` as JSON (used for the model list); null on any failure. */
export function getUpstreamJson(upstream: UpstreamConfig, path: string, timeoutMs: number): Promise<unknown> {
  const url = new URL(`${upstream.baseUrl}${path}`)
  const secure = url.protocol === 'https:'
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (upstream.apiKey) headers.Authorization = `Bearer ${upstream.apiKey}`
  return new Promise((resolve) => {
    const req = (secure ? https : http).request(url, {
      headers,
      agent: secure ? httpsAgent : httpAgent,
      signal: AbortSignal.timeout(timeoutMs),
    })
    req.on('response', (res) => {
      readText(res, 1024 * 1024)
        .then((text) => resolve(res.statusCode === 200 ? JSON.parse(text) : null))
        .catch(() => resolve(null))
    })
    req.on('error', () => resolve(null))
    req.end()
  })
}

/** Reads a (bounded) response body as text; longer bodies are cut at `limit`. */
export function readText(res: IncomingMessage | UpstreamStream, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    res.on('data', (chunk: Buffer) => {
      if (size < limit) chunks.push(chunk)
      size += chunk.length
    })
    res.on('end', () => resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8')))
    res.on('error', reject)
    res.on('aborted', () => reject(new UpstreamConnectionError('aborted')))
  })
}

/** Whether a failed attempt may be retried (connection errors, 429 and 5xx only). */
export function isRetryable(error: unknown): boolean {
  if (error instanceof UpstreamConnectionError) return true
  return error instanceof UpstreamError && (error.upstreamStatus === 429 || error.upstreamStatus >= 500)
}

/** A RelayError that remembers the upstream's own status (for the retry rule). */
export class UpstreamError extends RelayError {
  constructor(
    readonly upstreamStatus: number,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(status, code, message, headers)
  }
}

/**
 * Turns an upstream error response into the relay's error: the provider's
 * message (secrets removed, shortened) and code, and its status — except 401
 * and 403, which are the relay's key problem, not the client's, so they become
 * 502 (a 401 would make the app think its own token is wrong).
 */
export function upstreamError(
  status: number,
  text: string,
  secrets: readonly string[],
  retryAfter?: string,
): UpstreamError {
  let message = `Upstream returned HTTP ${status}`
  let code = 'upstream_error'
  try {
    const body = JSON.parse(text) as {
      error?: { message?: unknown; code?: unknown } | string
      message?: unknown
    }
    const error = body.error
    if (typeof error === 'string') message = error
    else if (error && typeof error.message === 'string') message = error.message
    else if (typeof body.message === 'string') message = body.message
    if (error && typeof error === 'object' && typeof error.code === 'string') code = error.code
  } catch {
    // Not JSON (an HTML error page from a gateway): the generic message is better than its markup.
  }
  message = redact(message, secrets).slice(0, 500)
  const headers: Record<string, string> = retryAfter ? { 'Retry-After': retryAfter } : {}
  if (status === 401 || status === 403) {
    return new UpstreamError(
      status,
      502,
      'upstream_auth_failed',
      `Upstream refused the relay's credentials: ${message}`,
    )
  }
  const relayed = status >= 400 && status <= 599 ? status : 502
  return new UpstreamError(status, relayed, code, message, headers)
}
