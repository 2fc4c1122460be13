import type { ClientAbort } from '../chat/client-abort'
import type { RelayConfig, UpstreamConfig } from '../config'
import { RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import type { Logger } from '../log'
import { isRetryable, UpstreamConnectionError } from './errors'
import type { Cancellation } from './response'

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

/** One attempt's cancellation, linked to the client's: aborting it cancels the upstream request. */
export interface Attempt extends Cancellation {
  aborted: boolean
  abort(): void
}

/**
 * Starts an attempt that aborts when the client's request does (./client-abort.ts), linked by one
 * callback. A plain object rather than an AbortController (plus `AbortSignal.any`), which cost
 * measurably per request at a thousand streams. Its timeouts are the upstream client's.
 */
export function startAttempt(parent: ClientAbort): Attempt {
  let cancel: (() => void) | null = null
  let unlink: (() => void) | null = null
  const attempt: Attempt = {
    aborted: false,
    onAbort(callback) {
      if (attempt.aborted) callback()
      else cancel = callback
    },
    abort() {
      unlink?.()
      unlink = null
      if (attempt.aborted) return
      attempt.aborted = true
      cancel?.()
      cancel = null
    },
  }
  if (parent.aborted) attempt.abort()
  else unlink = parent.onAbort(attempt.abort)
  return attempt
}

/**
 * Runs `run` against the primary upstream, then the fallback (or the primary
 * once more), until one succeeds. It moves on only for connection errors, 429
 * and 5xx, and only while `mayRetry()` (no answer byte sent yet). A timeout
 * (504) is not retried; an unreachable upstream is reported without its cause,
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
    const attempt = startAttempt(ctx.abort)
    try {
      return await run(upstream, attempt)
    } catch (error) {
      attempt.abort()
      lastError = error
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
