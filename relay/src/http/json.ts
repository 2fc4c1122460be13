import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'
import { readRequestBody } from './body'

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

/** `application/json`, with or without parameters (`; charset=utf-8`). */
const JSON_TYPE = /^application\/json\s*(;|$)/i

/**
 * Reads a JSON request body: 415 `unsupported_media_type` unless the request says it is
 * `application/json`. A web page can send a cross-origin POST without asking (a form, `text/plain`)
 * but not with this type: the browser asks first (CORS), and the relay only answers allowed origins.
 * So a page cannot drive a relay that listens on the visitor's own machine.
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<unknown> {
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    // The body is not read: the connection cannot be reused for another request.
    res.setHeader('Connection', 'close')
    throw new RelayError(415, 'unsupported_media_type', 'Content-Type must be application/json')
  }
  return parseJsonBody(await readRequestBody(req, res, max))
}
