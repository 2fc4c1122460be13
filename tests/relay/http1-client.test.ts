import { readFileSync } from 'node:fs'
import type http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ExchangeError, post, type RequestCancellation } from '../../relay/src/upstream/http1/client'
import type { UpstreamStream } from '../../relay/src/upstream/http1/upstream-stream'

// The relay's own HTTP/1.1 client against real servers on 127.0.0.1: raw TCP servers where the
// exact bytes and their timing matter, node:http(s) servers where a standard peer is the point.

const PAYLOAD = Buffer.from('{"stream":true}')
/** What the relay always sends with it (a standard server reads the body by it). */
const SIZED = { 'Content-Length': PAYLOAD.length }

function never(): RequestCancellation {
  return { aborted: false, onAbort: () => undefined }
}

/** A cancellation the test triggers. */
function manual(): RequestCancellation & { abort(): void } {
  let callback: (() => void) | null = null
  const c = {
    aborted: false,
    onAbort(cb: () => void) {
      if (c.aborted) cb()
      else callback = cb
    },
    abort() {
      c.aborted = true
      callback?.()
    },
  }
  return c
}

/** Everything the body delivers, and how it ended. */
function readAll(stream: UpstreamStream): Promise<{ body: string; ending: 'end' | 'aborted' }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), ending: 'end' }))
    stream.on('aborted', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), ending: 'aborted' }))
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A raw TCP server: `onRequest` gets each socket once the request head and body have arrived. */
async function rawServer(onRequest: (socket: net.Socket, request: string, index: number) => void) {
  const sockets = new Set<net.Socket>()
  let connections = 0
  let requests = 0
  const server = net.createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (data: string) => {
      text += data
      const headEnd = text.indexOf('\r\n\r\n')
      if (headEnd === -1) return
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0)
      if (text.length < headEnd + 4 + length) return
      const request = text.slice(0, headEnd + 4 + length)
      text = text.slice(request.length)
      onRequest(socket, request, requests++)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`)
  return {
    url,
    stats: () => ({ connections, requests }),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

type RawServer = Awaited<ReturnType<typeof rawServer>>
let server: RawServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

const SSE = 'data: {"choices":[{"delta":{"content":"你好 😀"}}]}\n\ndata: [DONE]\n\n'

/** Writes `wire` a few bytes at a time with pauses, so reads split inside every structure. */
async function dribble(socket: net.Socket, wire: Buffer, size = 3): Promise<void> {
  for (let at = 0; at < wire.length; at += size) {
    socket.write(wire.subarray(at, at + size))
    await sleep(1)
  }
}

function chunkedResponse(
  body: string,
  head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n',
): Buffer {
  const bytes = Buffer.from(body)
  return Buffer.concat([
    Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n${bytes.length.toString(16)}\r\n`),
    bytes,
    Buffer.from('\r\n0\r\n\r\n'),
  ])
}

describe('http1 client', () => {
  it('sends the request as given and reads a chunked answer split inside every structure', async () => {
    let seen = ''
    server = await rawServer((socket, request) => {
      seen = request
      void dribble(socket, chunkedResponse(SSE))
    })
    const stream = await post(
      server.url,
      { Authorization: 'Bearer k', 'Content-Length': PAYLOAD.length },
      PAYLOAD,
      never(),
    )
    expect(stream.statusCode).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream')
    expect(await readAll(stream)).toEqual({ body: SSE, ending: 'end' })
    expect(seen).toMatch(/^POST \/v1\/chat\/completions HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/)
    expect(seen).toContain('Authorization: Bearer k\r\n')
    expect(seen.endsWith(`\r\n\r\n${PAYLOAD}`)).toBe(true)
  })

  it('reads sized and close-delimited bodies', async () => {
    server = await rawServer((socket, _request, index) => {
      if (index === 0) socket.write(`HTTP/1.1 500 Oops\r\nContent-Length: 11\r\n\r\n{"error":1}`)
      else socket.end(`HTTP/1.0 200 OK\r\n\r\n${SSE}`)
    })
    const sized = await post(server.url, {}, PAYLOAD, never())
    expect(sized.statusCode).toBe(500)
    expect(await readAll(sized)).toEqual({ body: '{"error":1}', ending: 'end' })
    const untilClose = await post(server.url, {}, PAYLOAD, never())
    expect(await readAll(untilClose)).toEqual({ body: SSE, ending: 'end' })
  })

  it('skips interim 1xx responses', async () => {
    server = await rawServer((socket) => {
      void dribble(
        socket,
        Buffer.concat([Buffer.from('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'), chunkedResponse(SSE)]),
        7,
      )
    })
    const stream = await post(server.url, {}, PAYLOAD, never())
    expect(stream.statusCode).toBe(200)
    expect((await readAll(stream)).body).toBe(SSE)
  })

  it('reuses a kept-alive connection, and not one that sent bytes after its body', async () => {
    server = await rawServer((socket, _request, index) => {
      const extra = index === 1 ? 'garbage' : ''
      socket.write(Buffer.concat([chunkedResponse(SSE), Buffer.from(extra)]))
    })
    for (let i = 0; i < 3; i++) await readAll(await post(server.url, {}, PAYLOAD, never()))
    // 1st and 2nd share a connection; the 2nd answer was followed by stray bytes, so the 3rd opens a new one.
    expect(server.stats()).toEqual({ connections: 2, requests: 3 })
  })

  it('sends the request again on a new connection when a reused one was closed under it', async () => {
    server = await rawServer((socket, _request, index) => {
      // The second request arrives on the kept-alive connection: the server drops it unanswered.
      if (index === 1) socket.destroy()
      else socket.write(chunkedResponse(SSE))
    })
    await readAll(await post(server.url, {}, PAYLOAD, never()))
    const again = await post(server.url, {}, PAYLOAD, never())
    expect((await readAll(again)).body).toBe(SSE)
    expect(server.stats()).toEqual({ connections: 2, requests: 3 })
  })

  it('fails with the cause when nothing answers, and never retries a fresh connection', async () => {
    server = await rawServer((socket) => socket.destroy())
    await expect(post(server.url, {}, PAYLOAD, never())).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(server.stats().connections).toBe(1)
    const closed = await rawServer(() => undefined)
    const url = closed.url
    await closed.close()
    await expect(post(url, {}, PAYLOAD, never())).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('rejects a response that is not HTTP/1.x', async () => {
    server = await rawServer((socket) => socket.write('SSH-2.0-OpenSSH_9.2\r\n\r\n'))
    const error = await post(server.url, {}, PAYLOAD, never()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ExchangeError)
    expect((error as ExchangeError).code).toMatch(/^HPE_/)
  })

  it('ends with aborted, after every byte that did arrive, when the connection breaks mid-body', async () => {
    server = await rawServer((socket) => {
      const whole = chunkedResponse(SSE)
      socket.write(whole.subarray(0, whole.length - 12))
      setTimeout(() => socket.destroy(), 20)
    })
    const result = await readAll(await post(server.url, {}, PAYLOAD, never()))
    expect(result.ending).toBe('aborted')
    expect(SSE.startsWith(result.body)).toBe(true)
    expect(result.body.length).toBeGreaterThan(10)
  })

  it('keeps order across pause and resume, and holds the end until the consumer resumes', async () => {
    const events = Array.from({ length: 20 }, (_, i) => `data: ${i}\n\n`)
    server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
      for (const event of events) socket.write(`${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`)
      socket.write('0\r\n\r\n')
    })
    const stream = await post(server.url, {}, PAYLOAD, never())
    const got: string[] = []
    let ended = false
    stream.on('data', (chunk: Buffer) => {
      got.push(chunk.toString())
      if (got.length === 1) {
        stream.pause()
        setTimeout(() => stream.resume(), 50)
      }
    })
    stream.on('end', () => {
      ended = true
    })
    await sleep(30)
    expect(got).toHaveLength(1)
    expect(ended).toBe(false)
    await sleep(100)
    expect(got.join('')).toBe(events.join(''))
    expect(ended).toBe(true)
  })

  it('closes the connection when cancelled, before or after the head', async () => {
    let closed = 0
    server = await rawServer((socket, _request, index) => {
      socket.on('close', () => closed++)
      if (index === 1) socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
    })
    const before = manual()
    const pending = post(server.url, {}, PAYLOAD, before)
    await sleep(30)
    before.abort()
    await expect(pending).rejects.toMatchObject({ code: 'ABORT_ERR' })
    const after = manual()
    const stream = await post(server.url, {}, PAYLOAD, after)
    const result = readAll(stream)
    await sleep(20)
    after.abort()
    expect((await result).ending).toBe('aborted')
    await sleep(20)
    expect(closed).toBe(2)
  })

  it('refuses header values with line breaks (no request splitting)', async () => {
    server = await rawServer(() => undefined)
    await expect(
      post(server.url, { Authorization: 'Bearer a\r\nX-Evil: 1' }, PAYLOAD, never()),
    ).rejects.toThrow(/invalid characters/)
    expect(server.stats().connections).toBe(0)
  })

  describe('over TLS', () => {
    const dir = join(__dirname, '..', 'support', 'tls')
    let tlsServer: https.Server
    let url: URL
    beforeAll(async () => {
      tlsServer = https.createServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (req: http.IncomingMessage, res: http.ServerResponse) => {
          req.resume()
          res.writeHead(200, { 'Content-Type': 'text/event-stream' })
          res.write(SSE.slice(0, 10))
          setTimeout(() => res.end(SSE.slice(10)), 10)
        },
      )
      await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve))
      url = new URL(`https://localhost:${(tlsServer.address() as AddressInfo).port}/v1/chat/completions`)
    })
    afterAll(async () => {
      tlsServer.closeAllConnections()
      await new Promise((resolve) => tlsServer.close(resolve))
    })

    it('rejects a certificate nobody trusts', async () => {
      const error = await post(url, SIZED, PAYLOAD, never()).catch((e: unknown) => e)
      expect((error as ExchangeError).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
    })

    it('streams over TLS with the shared read buffer when the certificate is trusted', async () => {
      const stream = await post(url, SIZED, PAYLOAD, never(), { ca: readFileSync(join(dir, 'cert.pem')) })
      expect(await readAll(stream)).toEqual({ body: SSE, ending: 'end' })
    })
  })
})
