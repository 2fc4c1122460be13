import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'
import { requestInfo } from './request-info'

function tooLarge(max: number): RelayError {
  return new RelayError(413, 'request_too_large', `Request body exceeds ${max} bytes`)
}

function tooSlow(): RelayError {
  return new RelayError(408, 'request_timeout', 'The request body took too long to arrive')
}

/**
 * Reads the request body, refusing with 413 as soon as it passes `max` bytes
 * (checked against Content-Length first, then while reading, so a lying or
 * chunked client cannot make the relay buffer more than `max`), and with 408
 * when it has not all arrived by the request's deadline (RELAY_REQUEST_TIMEOUT_MS
 * from its start), on a timer of its own: the bound does not depend on how
 * often Node checks its connections.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) return Promise.reject(tooLarge(max))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (error: Error | null): void => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      req.off('data', onData)
      if (error) reject(error)
      else resolve(Buffer.concat(chunks, size))
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > max) settle(tooLarge(max))
      else chunks.push(chunk)
    }
    const left = requestInfo(req).bodyDeadline - Date.now()
    const timer = Number.isFinite(left) ? setTimeout(() => settle(tooSlow()), Math.max(0, left)) : null
    req.on('data', onData)
    req.on('end', () => settle(null))
    req.on('error', (error) => settle(error))
    // A connection that closes mid-body may end the request without an error: nothing more comes.
    req.on('close', () => settle(new RelayError(400, 'request_aborted', 'The request body was cut off')))
  })
}

/**
 * `readBody` for a route that answers the error itself: on a 413 the rest of the body is discarded,
 * on a 408 the connection is closed once the answer is out (the client is still sending).
 */
export async function readRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
): Promise<Buffer> {
  try {
    return await readBody(req, max)
  } catch (error) {
    const status = error instanceof RelayError ? error.status : 0
    if (status === 413 || status === 408) res.setHeader('Connection', 'close')
    if (status === 413) req.resume()
    if (status === 408) res.once('finish', () => req.socket.destroy())
    throw error
  }
}
