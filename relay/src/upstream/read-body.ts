import type { UpstreamResponse } from './response'

/**
 * Reads a response body as UTF-8 text, at most `limit` bytes: past that the request is cancelled
 * (the rest is not worth the wait or the memory) and the text is cut there. Rejects as the body
 * does: a 504 RelayError after the body timeout, a connection error otherwise.
 */
export function readText(response: UpstreamResponse, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (): void => {
      done = true
      resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'))
    }
    response.read({
      data(chunk) {
        if (done) return
        chunks.push(chunk)
        size += chunk.length
        if (size < limit) return
        finish()
        response.cancel()
      },
      end() {
        if (!done) finish()
      },
      fail(error) {
        if (!done) reject(error)
        done = true
      },
    })
  })
}
