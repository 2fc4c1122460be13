import type { IncomingHttpHeaders } from 'node:http'

/** Bytes that are not the HTTP/1.1 the load generator asked for (as opposed to a bug in a listener). */
export class FramingError extends Error {
  override name = 'FramingError'
}

/** The start of a response: status and headers, names lower-cased as node:http does. */
export interface ResponseHead {
  /** `1.0` or `1.1`. */
  httpVersion: string
  statusCode: number
  headers: IncomingHttpHeaders
}

/** Longest response head accepted (node:http's default limit is 16 KB). */
export const MAX_HEAD_BYTES = 64 * 1024

const HEAD_END = Buffer.from('\r\n\r\n')

/** Where the head in `bytes` ends (just after its blank line), or -1 when it is not complete yet. */
export function headEnd(bytes: Buffer): number {
  const at = bytes.indexOf(HEAD_END)
  return at === -1 ? -1 : at + HEAD_END.length
}

/**
 * Parses `HTTP/1.x NNN reason` and the header lines of a complete head. Repeated
 * headers are joined with `, ` (set-cookie, which an API never sends here, too).
 */
export function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n')
  const status = /^HTTP\/(1\.[01]) (\d{3})(?: |$)/.exec(lines[0] ?? '')
  if (!status) throw new FramingError('not an HTTP/1.x response')
  const headers: IncomingHttpHeaders = {}
  const into = headers as Record<string, string>
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw new FramingError('malformed header line')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    into[name] = into[name] === undefined ? value : `${into[name]}, ${value}`
  }
  return { httpVersion: status[1]!, statusCode: Number(status[2]), headers }
}

/** How the body's end is known: chunked framing, a byte count, or the server closing the connection. */
export type BodyFraming = { kind: 'chunked' } | { kind: 'length'; bytes: number } | { kind: 'close' }

/** The body framing of a response to a POST (RFC 9112 §6.3). */
export function bodyFraming(head: ResponseHead): BodyFraming {
  const status = head.statusCode
  if (status === 204 || status === 304) return { kind: 'length', bytes: 0 }
  const te = head.headers['transfer-encoding']
  if (te !== undefined) {
    // Only chunked as the final coding can be delimited; anything else runs to the close.
    return /(?:^|,)\s*chunked\s*$/i.test(String(te)) ? { kind: 'chunked' } : { kind: 'close' }
  }
  const length = head.headers['content-length']
  if (length !== undefined) {
    const bytes = Number(String(length).split(',')[0])
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new FramingError('bad content-length')
    return { kind: 'length', bytes }
  }
  return { kind: 'close' }
}
