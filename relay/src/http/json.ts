import { RelayError } from '../errors'

/**
 * Deepest nesting a request body may have. Chat bodies need about six levels (a message's content
 * parts), tool schemas a few more. `JSON.parse` accepts any depth, but whatever walks the value
 * recursively afterwards (`JSON.stringify` building the upstream request) overflows the stack at
 * about ten thousand.
 */
export const MAX_JSON_DEPTH = 64

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d

/** Whether the brackets of a JSON text nest deeper than `max` (strings skipped); one pass, no parsing. */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) inString = true
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > max) return true
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--
  }
  return false
}

/** Parses a request body as JSON: 400 `invalid_json` when it is not JSON or nests too deep. */
export function parseJsonBody(bytes: Buffer): unknown {
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new RelayError(400, 'invalid_json', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`)
  }
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new RelayError(400, 'invalid_json', 'Request body is not valid JSON')
  }
}
