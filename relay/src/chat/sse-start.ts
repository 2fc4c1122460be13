import { RelayError } from '../errors'

/** What the first byte of an SSE body may be (after a BOM and blank lines): a field name or a comment. */
const SSE_START = new Set([0x64, 0x65, 0x69, 0x72, 0x3a]) // d e i r :
const SKIPPED = new Set([0xef, 0xbb, 0xbf, 0x0d, 0x0a]) // BOM bytes (possibly split), CR, LF

/** Whether a body starting with `chunk` is SSE; null while the chunk holds only a BOM or line ends. */
export function looksLikeSse(chunk: Buffer): boolean | null {
  for (const byte of chunk) if (!SKIPPED.has(byte)) return SSE_START.has(byte)
  return null
}

/** The error a non-SSE first chunk stands for: its own `{"error":…}` if it is one, else "malformed". */
export function malformed(chunk: Buffer): RelayError {
  try {
    const body = JSON.parse(chunk.toString('utf8')) as { error?: { message?: unknown; code?: unknown } }
    if (body.error && typeof body.error.message === 'string') {
      const code = typeof body.error.code === 'string' ? body.error.code : 'upstream_error'
      return new RelayError(502, code, body.error.message.slice(0, 500))
    }
  } catch {
    // Not JSON either: fall through to the generic message.
  }
  return new RelayError(502, 'upstream_bad_response', 'Upstream sent data that is not an event stream')
}
