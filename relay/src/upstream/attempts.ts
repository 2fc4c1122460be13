import type { ClientAbort } from '../chat/client-abort'
import type { RelayConfig, UpstreamConfig } from '../config'
import { RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import type { Logger } from '../log'
import { type Cancellation, isRetryable, UpstreamConnectionError } from './client'

/** The client-facing error for an upstream that could not be reached (the cause stays in the log). */
export function unreachable(): RelayError {
  return new RelayError(502, 'upstream_unreachable', 'Could not reach the upstream')
}

/** The error when there is no upstream to try at all. */
export function notConfigured(): RelayError {
  return new RelayError(503, 'upstream_not_configured', 'No upstream is configured')
}

/** Primary, then the fallback if configured, else the primary once more. */
export function attemptsOf(config: RelayConfig): UpstreamConfig[] {
  const primary = config.upstream
  if (!primary) return []
  return [primary, config.fallback ?? primary]
}

/** One attempt with its own abort (headers timeout) linked to the client's. */
export interface Attempt extends Cancellation {
  aborted: boolean
  abort(): void
  /** Cancels the headers timer once the upstream answered. */
  answered(): void
}

/**
 * Starts an attempt whose headers must arrive within `timeoutMs`. The client's
 * abort (./client-abort.ts) is linked by one callback; the attempt itself is a plain object rather
 * than an AbortController (plus `AbortSignal.any`), which cost measurably per
 * request at a thousand streams.
 */
export function startAttempt(parent: ClientAbort, timeoutMs: number, onTimeout: () => void): Attempt {
  let cancel: (() => void) | null = null
  let unlink: (() => void) | null = null
  const attempt: Attempt = {
    aborted: false,
    onAbort(callback) {
      if (attempt.aborted) callback()
      else cancel = callback
    },
    abort() {
      clearTimeout(timer)
      unlink?.()
      unlink = null
      if (attempt.aborted) return
      attempt.aborted = true
      cancel?.()
      cancel = null
    },
    answered: () => clearTimeout(timer),
  }
  const timer = setTimeout(() => {
    onTimeout()
    attempt.abort()
  }, timeoutMs)
  if (parent.aborted) attempt.abort()
  else unlink = parent.onAbort(attempt.abort)
  return attempt
}

/**
 * Runs `run` against the primary upstream, then the fallback (or the primary
 * once more), until one succeeds. It moves on only for connection errors, 429
 * and 5xx, and only while `mayRetry()` (no answer byte sent yet). A headers
 * timeout becomes 504; an unreachable upstream is reported without its cause,
 * which stays in the log.
 */
export async function tryUpstreams<T>(
  ctx: RelayContext,
  config: RelayConfig,
  log: Logger,
  run: (upstream: UpstreamConfig, attempt: Attempt) => Promise<T>,
  mayRetry: () => boolean = () => true,
): Promise<T> {
  const attempts = attemptsOf(config)
  // Errors are made only when an attempt failed: an Error per request is measurable at a thousand streams.
  let lastError: unknown = null
  for (const [index, upstream] of attempts.entries()) {
    let timedOut = false
    const attempt = startAttempt(ctx.abort, config.idleTimeoutMs, () => {
      timedOut = true
    })
    try {
      return await run(upstream, attempt)
    } catch (error) {
      attempt.abort()
      lastError = timedOut
        ? new RelayError(504, 'upstream_timeout', 'Upstream did not answer in time')
        : error
      if (ctx.abort.aborted) break
      const retry = index < attempts.length - 1 && isRetryable(lastError) && mayRetry()
      log.warn('upstream attempt failed', {
        requestId: ctx.requestId,
        attempt: index + 1,
        error: lastError instanceof Error ? lastError.message : String(lastError),
        retry,
      })
      if (!retry) break
    }
  }
  lastError ??= notConfigured()
  throw lastError instanceof UpstreamConnectionError ? unreachable() : lastError
}
