import { readErrorText } from '../../../miniprogram/lib/openai'
import { UpstreamError, upstreamError } from '../upstream/errors'

/** What the first byte of an SSE body may be (after a BOM and blank lines): a field name or a comment. */
const SSE_START = new Set([0x64, 0x65, 0x69, 0x72, 0x3a]) // d e i r :
const SKIPPED = new Set([0xef, 0xbb, 0xbf, 0x0d, 0x0a]) // BOM bytes (possibly split), CR, LF

/** Whether a body starting with `chunk` is SSE; null while the chunk holds only a BOM or line ends. */
export function looksLikeSse(chunk: Buffer): boolean | null {
  for (const byte of chunk) if (!SKIPPED.has(byte)) return SSE_START.has(byte)
  return null
}

/**
 * The error a 200 answer that is not an event stream stands for (its body, or its first chunk): the
 * upstream's own `{"error":…}` if it is one, read, redacted and shortened like any upstream error,
 * else "malformed". Neither is retried: the upstream did answer.
 */
export function notAnEventStream(text: string, secrets: readonly string[]): UpstreamError {
  const fields = readErrorText(text)
  if (fields.message === undefined && fields.code === undefined) {
    return new UpstreamError(
      200,
      502,
      'upstream_bad_response',
      'Upstream did not answer with an event stream',
    )
  }
  const error = upstreamError(502, text, secrets)
  return new UpstreamError(200, 502, error.code, error.message)
}

/** How much of a body that is not an event stream is read to find its error message. */
const NOT_SSE_LIMIT = 64 * 1024

/** The start of a 200 answer's body, watched before any of it is passed on. */
export interface StartCheck {
  /** Whether `chunk` is answer to pass on; false once the body turned out not to be SSE (kept here). */
  take(chunk: Buffer): boolean
  /** At the end of the body: true when it was not SSE (and `refuse` has been called). */
  end(): boolean
}

/**
 * Passes an event stream on from its first byte; anything else (probably a JSON error: some
 * gateways answer 200 `text/event-stream` with one) is read, within a limit, and handed to
 * `refuse` as the error it says, redacted.
 */
export function createStartCheck(
  secrets: readonly string[],
  refuse: (error: UpstreamError) => void,
): StartCheck {
  let checked = false
  let other: Buffer[] | null = null
  let size = 0
  const report = (): void => {
    const text = Buffer.concat(other ?? [])
      .subarray(0, NOT_SSE_LIMIT)
      .toString('utf8')
    refuse(notAnEventStream(text, secrets))
  }
  return {
    take(chunk) {
      if (!checked && !other) {
        const sse = looksLikeSse(chunk)
        if (sse !== false) {
          checked = sse === true
          return true
        }
        other = []
      }
      if (!other) return true
      other.push(chunk)
      size += chunk.length
      if (size >= NOT_SSE_LIMIT) report()
      return false
    },
    end() {
      if (other) report()
      return other !== null
    },
  }
}
