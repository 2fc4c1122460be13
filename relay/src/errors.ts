/**
 * A refusal the relay turns into an OpenAI-style error: a JSON body
 * `{"error":{"message","type","code"}}` with `status` before the stream is
 * committed, or a `data: {"error":…}` frame after it.
 */
export class RelayError extends Error {
  /** HTTP status to answer with while headers are still unsent. */
  readonly status: number
  /** Machine-readable code (e.g. `model_not_found`, `rate_limited`, `content_blocked`). */
  readonly code: string
  /** Extra response headers, e.g. `Retry-After` on 429. */
  readonly headers: Record<string, string>

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'RelayError'
    this.status = status
    this.code = code
    this.headers = headers
  }
}

/** The OpenAI error `type` that goes with an HTTP status. */
export function errorType(status: number): string {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 429) return 'rate_limit_error'
  if (status >= 500) return 'server_error'
  return 'invalid_request_error'
}

/** The wire shape of an error, shared by JSON bodies and SSE error frames. */
export interface ErrorBody {
  error: { message: string; type: string; code: string }
}

/**
 * `{"error":{…}}` for a RelayError. Anything else becomes a generic 500 without internals, coded
 * `server_error`: the app's error table knows it (a relay fault, the answer so far is kept).
 */
export function errorBody(error: unknown): ErrorBody {
  if (error instanceof RelayError) {
    return { error: { message: error.message, type: errorType(error.status), code: error.code } }
  }
  return { error: { message: 'Internal relay error', type: 'server_error', code: 'server_error' } }
}

/** The status to answer with for any thrown value. */
export function errorStatus(error: unknown): number {
  return error instanceof RelayError ? error.status : 500
}
