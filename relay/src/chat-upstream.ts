import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RelayConfig, UpstreamConfig } from './config'
import { RelayError } from './errors'
import type { RelayContext } from './hooks'
import type { Logger } from './log'
import { sendError } from './respond'
import type { SseWriter } from './sse-writer'
import { pipeUpstream } from './stream-pipe'
import {
  type Cancellation,
  isRetryable,
  openUpstream,
  readText,
  UpstreamConnectionError,
  UpstreamError,
  upstreamError,
} from './upstream'

const ERROR_BODY_LIMIT = 64 * 1024

/** The keys and tokens no response or log line may contain. */
export function secretsOf(config: RelayConfig): string[] {
  return [config.upstream?.apiKey ?? '', config.fallback?.apiKey ?? '', ...config.tokens].filter(
    (s) => s !== '',
  )
}

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
 * abort is linked by one listener; the attempt itself is a plain object rather
 * than an AbortController (plus `AbortSignal.any`), which cost measurably per
 * request at a thousand streams.
 */
export function startAttempt(parent: AbortSignal, timeoutMs: number, onTimeout: () => void): Attempt {
  let cancel: (() => void) | null = null
  const attempt: Attempt = {
    aborted: false,
    onAbort(callback) {
      if (attempt.aborted) callback()
      else cancel = callback
    },
    abort() {
      clearTimeout(timer)
      parent.removeEventListener('abort', attempt.abort)
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
  else parent.addEventListener('abort', attempt.abort, { once: true })
  return attempt
}

/** Fails an attempt whose response is not 2xx (or not SSE) with the upstream's own error. */
export async function checkResponse(res: IncomingMessage, secrets: string[]): Promise<void> {
  const status = res.statusCode ?? 502
  if (status < 200 || status >= 300) {
    const text = await readText(res, ERROR_BODY_LIMIT)
    const retryAfter = res.headers['retry-after']
    throw upstreamError(status, text, secrets, typeof retryAfter === 'string' ? retryAfter : undefined)
  }
  const type = String(res.headers['content-type'] ?? '')
  if (!type.includes('text/event-stream')) {
    const text = await readText(res, ERROR_BODY_LIMIT)
    const error = upstreamError(502, text, secrets)
    // A 200 carrying a JSON error (some gateways do this) is the upstream's answer: not retried.
    if (error.code !== 'upstream_error') throw new UpstreamError(200, 502, error.code, error.message)
    throw new UpstreamError(200, 502, 'upstream_bad_response', 'Upstream did not answer with an event stream')
  }
}

/**
 * `stream: true` through the upstream. Waits up to `commitMs` for its headers
 * so early errors keep their real status; after that commits `200` with a
 * `: ok` comment. Retries (or fails over) once, only while no answer byte has
 * gone out, and only for connection errors, 429 and 5xx.
 */
export async function streamUpstream(
  ctx: RelayContext,
  res: ServerResponse,
  writer: SseWriter,
  config: RelayConfig,
  log: Logger,
): Promise<void> {
  const commitTimer = setTimeout(() => writer.commit('ok'), config.commitMs)
  const secrets = secretsOf(config)
  const streamOptions = { ...((ctx.body.stream_options as object | undefined) ?? {}), include_usage: true }
  const payload = Buffer.from(JSON.stringify({ ...ctx.body, stream: true, stream_options: streamOptions }))
  const attempts = attemptsOf(config)
  // Made only when no attempt ran: an Error per request is measurable at a thousand streams.
  let lastError: unknown = null
  try {
    for (const [index, upstream] of attempts.entries()) {
      let timedOut = false
      const attempt = startAttempt(ctx.signal, config.idleTimeoutMs, () => {
        timedOut = true
      })
      try {
        const upRes = await openUpstream(upstream, '/chat/completions', payload, attempt, 'text/event-stream')
        attempt.answered()
        await checkResponse(upRes, secrets)
        clearTimeout(commitTimer)
        writer.commit()
        await pipeUpstream(upRes, writer, ctx, {
          idleTimeoutMs: config.idleTimeoutMs,
          hooks: config.hooks,
          abortUpstream: attempt.abort,
        })
        return
      } catch (error) {
        attempt.abort()
        if (ctx.signal.aborted) return
        lastError = timedOut
          ? new RelayError(504, 'upstream_timeout', 'Upstream did not answer in time')
          : error
        const retry = index < attempts.length - 1 && isRetryable(lastError) && writer.forwarded === 0
        log.warn('upstream attempt failed', {
          requestId: ctx.requestId,
          attempt: index + 1,
          error: lastError instanceof Error ? lastError.message : String(lastError),
          retry,
        })
        if (!retry) break
      }
    }
    clearTimeout(commitTimer)
    lastError ??= notConfigured()
    if (lastError instanceof UpstreamConnectionError) lastError = unreachable()
    if (writer.committed) writer.fail(lastError)
    else sendError(res, lastError)
  } finally {
    clearTimeout(commitTimer)
    writer.stopHeartbeat()
  }
}
