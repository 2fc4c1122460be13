import type { IncomingMessage } from 'node:http'
import { RelayError } from '../errors'

function tooLarge(max: number): RelayError {
  return new RelayError(413, 'request_too_large', `Request body exceeds ${max} bytes`)
}

/**
 * Reads the request body, refusing with 413 as soon as it passes `max` bytes
 * (checked against Content-Length first, then while reading, so a lying or
 * chunked client cannot make the relay buffer more than `max`).
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) return Promise.reject(tooLarge(max))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > max) {
        failed = true
        req.off('data', onData)
        reject(tooLarge(max))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size))
    })
    req.on('error', (error) => {
      if (!failed) reject(error)
    })
  })
}
