import { acquire, Connection, type TrustOptions } from './connection'
import { Exchange, ExchangeError } from './exchange'
import type { UpstreamStream } from './upstream-stream'

export type { TrustOptions } from './connection'
export { ExchangeError } from './exchange'

/**
 * A minimal HTTP/1.1 client for the relay's POSTs upstream, in place of node:http.
 *
 * Why: a streamed answer is thousands of small reads per second, and node:http allocates two
 * ArrayBuffers for each (the socket read, then a copy of the body by its parser), plus the
 * IncomingMessage stream machinery. At 1,000 streams that was most of the relay's garbage, and
 * sweeping those ArrayBuffers was most of each garbage-collector pause, which every stream waits
 * out. Here every socket reads into ONE shared buffer (`onread`), each body piece is copied once
 * into a shared slab (../slab.ts), and connections are kept alive per origin (./connection.ts).
 *
 * Scope: what an OpenAI-style upstream answers: chunked, sized or close-delimited bodies, 1xx
 * interim responses skipped, keep-alive, HTTP or HTTPS. No redirects, no proxies, no compression
 * (the relay asks for `identity`).
 */

/** Cancels a request: `onAbort` runs its callback once, at once if already aborted. */
export interface RequestCancellation {
  readonly aborted: boolean
  onAbort(callback: () => void): void
}

/**
 * POSTs `payload` to `url` and resolves with the response as soon as its head has arrived; the
 * body follows as `data` events. Rejects with an ExchangeError when no response head came.
 * With `trust`, the TLS connection is made with those CAs and not pooled (deployments can use
 * NODE_EXTRA_CA_CERTS instead, which keeps pooling).
 */
export function post(
  url: URL,
  headers: Record<string, string | number>,
  payload: Buffer,
  cancellation: RequestCancellation,
  trust?: TrustOptions,
): Promise<UpstreamStream> {
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n`
  for (const [name, value] of Object.entries(headers)) {
    const text = String(value)
    // A newline in a configured value (an API key pasted with one) would split the request.
    if (/[\r\n]/.test(text)) return Promise.reject(new Error(`invalid characters in header ${name}`))
    head += `${name}: ${text}\r\n`
  }
  const request = Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), payload])
  return new Promise((resolve, reject) => {
    // The exchange in flight (a retry on a fresh connection replaces it), for the cancellation.
    let current: Exchange | null = null
    const send = (fresh: boolean): void => {
      const connection = fresh || trust ? new Connection(url, trust) : acquire(url)
      current = new Exchange(connection, resolve, reject, () => send(true))
      connection.start(current, request)
    }
    if (cancellation.aborted) {
      reject(new ExchangeError('ABORT_ERR'))
      return
    }
    send(false)
    cancellation.onAbort(() => current?.abort())
  })
}
