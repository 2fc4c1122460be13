import { RelayError } from '../errors'
import { redact } from '../redact'

/** A failure to reach the upstream at all (refused, reset, DNS, TLS, proxy…): worth one retry. */
export class UpstreamConnectionError extends Error {
  override name = 'UpstreamConnectionError'
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

/** Whether a failed attempt may be retried (connection errors, 429 and 5xx only). */
export function isRetryable(error: unknown): boolean {
  if (error instanceof UpstreamConnectionError) return true
  return error instanceof UpstreamError && (error.upstreamStatus === 429 || error.upstreamStatus >= 500)
}

/** What the request was doing when undici gave up: the timeouts' messages say so. */
export interface FailureContext {
  /** The body timeout (ms), for "sent nothing for N s". */
  bodyTimeoutMs: number
}

/**
 * What an undici failure means to the relay: its own timeouts become 504 `upstream_timeout`
 * (not retried: a slow upstream is slow again), anything else that broke the exchange is a
 * connection error (retried before an answer byte, `upstream_disconnected` after one).
 */
export function fromUndici(error: Error, context: FailureContext): Error {
  const code = (error as { code?: unknown }).code
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new RelayError(504, 'upstream_timeout', 'Upstream did not answer in time')
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    const seconds = Math.round(context.bodyTimeoutMs / 100) / 10
    return new RelayError(504, 'upstream_timeout', `Upstream sent nothing for ${seconds} s`)
  }
  if (error instanceof RelayError) return error
  return new UpstreamConnectionError(typeof code === 'string' ? code : error.message)
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
