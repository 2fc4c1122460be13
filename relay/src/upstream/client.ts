import type { Dispatcher } from 'undici'
import type { RelayConfig, UpstreamConfig } from '../config'
import { createDispatcher } from './dispatcher'
import type { FailureContext } from './errors'
import { abortError, type Cancellation, Exchange, type UpstreamResponse } from './response'

/** How long each phase of an upstream request may take. */
export interface UpstreamTimeouts {
  /** TCP (and proxy tunnel, and TLS) connection. */
  connectMs: number
  /** From the request being sent to the response head. */
  headersMs: number
  /** Between two pieces of the body (paused bodies excepted: that wait is the relay's). */
  bodyMs: number
}

/**
 * The phase timeouts the relay's settings imply: the response head and every silence in the body
 * are bounded by RELAY_IDLE_TIMEOUT_MS; connecting gets at most ten seconds of it.
 */
export function timeoutsOf(config: Pick<RelayConfig, 'idleTimeoutMs'>): UpstreamTimeouts {
  const idle = config.idleTimeoutMs
  return { connectMs: Math.min(idle, 10_000), headersMs: idle, bodyMs: idle }
}

/** One request to an upstream. */
export interface UpstreamRequest {
  method: 'GET' | 'POST'
  /** Appended to the upstream's base URL, e.g. `/chat/completions`. */
  path: string
  /** What the response should be (`text/event-stream`, `application/json`). */
  accept: string
  /** A body (POST only): JSON unless `contentType` says otherwise. */
  body?: Buffer
  /** The body's type when it is not JSON (a multipart transcription request). */
  contentType?: string
  /** Overrides the client's head and body timeouts for this request (connecting is the pool's). */
  timeouts?: Partial<Pick<UpstreamTimeouts, 'headersMs' | 'bodyMs'>>
}

/** The relay's HTTP client for its upstreams (undici underneath). */
export interface UpstreamClient {
  /**
   * Sends `request` with the upstream's key (never the client's Authorization) and resolves with
   * the response as soon as its head arrives. Rejects with an UpstreamConnectionError when the
   * upstream could not be reached, a 504 RelayError on a headers timeout, an AbortError when cancelled.
   */
  send(
    upstream: UpstreamConfig,
    request: UpstreamRequest,
    cancellation: Cancellation,
  ): Promise<UpstreamResponse>
  /** Closes every pooled connection (open requests are cut). */
  close(): Promise<void>
}

/** Options of `createUpstreamClient`. */
export interface UpstreamClientOptions {
  timeouts: UpstreamTimeouts
  proxy: RelayConfig['proxy']
  /** Certificate authorities to trust instead of Node's (see DispatcherSettings). */
  ca?: string | Buffer
}

/** A cancellation that never fires. */
export const NEVER: Cancellation = { aborted: false, onAbort: () => undefined }

const origins = new Map<string, { origin: string; prefix: string }>()

/** Upstream base URLs are a handful of fixed strings: split once into origin and path, not per request. */
function target(baseUrl: string): { origin: string; prefix: string } {
  let found = origins.get(baseUrl)
  if (!found) {
    const url = new URL(baseUrl)
    found = { origin: url.origin, prefix: url.pathname.replace(/\/$/, '') }
    origins.set(baseUrl, found)
  }
  return found
}

/** A client with its own connection pools; `close()` ends them. */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { timeouts } = options
  const dispatcher: Dispatcher = createDispatcher({
    proxy: options.proxy,
    connectTimeoutMs: timeouts.connectMs,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  })
  const context: FailureContext = { bodyTimeoutMs: timeouts.bodyMs }
  return {
    send(upstream, request, cancellation) {
      const { origin, prefix } = target(upstream.baseUrl)
      const headers = [
        'accept',
        request.accept,
        // Raw SSE bytes are forwarded as they are, so they must not arrive compressed.
        'accept-encoding',
        'identity',
        'user-agent',
        'wechat-ai-chat-relay',
      ]
      if (request.body) headers.push('content-type', request.contentType ?? 'application/json')
      if (upstream.apiKey) headers.push('authorization', `Bearer ${upstream.apiKey}`)
      const bodyMs = request.timeouts?.bodyMs ?? timeouts.bodyMs
      const failure = bodyMs === timeouts.bodyMs ? context : { bodyTimeoutMs: bodyMs }
      return new Promise((resolve, reject) => {
        if (cancellation.aborted) {
          reject(abortError())
          return
        }
        dispatcher.dispatch(
          {
            origin,
            path: `${prefix}${request.path}`,
            method: request.method,
            headers,
            body: request.body ?? null,
            headersTimeout: request.timeouts?.headersMs ?? timeouts.headersMs,
            bodyTimeout: bodyMs,
          },
          new Exchange(resolve, reject, cancellation, failure),
        )
      })
    },
    close: () => dispatcher.destroy(),
  }
}
