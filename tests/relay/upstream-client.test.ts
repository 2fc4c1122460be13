import { readFileSync } from 'node:fs'
import type http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { RelayError } from '../../relay/src/errors'
import {
  createUpstreamClient,
  type UpstreamClient,
  type UpstreamClientOptions,
  type UpstreamRequest,
} from '../../relay/src/upstream/client'
import { UpstreamConnectionError } from '../../relay/src/upstream/errors'
import { readText } from '../../relay/src/upstream/read-body'
import type { Cancellation, UpstreamResponse } from '../../relay/src/upstream/response'
import { chat, dataFrames, startTestRelay, userMessage } from './helpers'

// The relay's upstream client (undici underneath) against real servers on 127.0.0.1: raw TCP
// servers where the exact bytes and their timing matter, node:http(s) servers where a standard
// peer is the point. Proxies are in upstream-proxy.test.ts.

const POST: UpstreamRequest = {
  method: 'POST',
  path: '/chat/completions',
  accept: 'text/event-stream',
  body: Buffer.from('{"stream":true}'),
}
const TIMEOUTS = { connectMs: 2000, headersMs: 5000, bodyMs: 5000 }

const never = (): Cancellation => ({ aborted: false, onAbort: () => undefined })

/** A cancellation the test triggers. */
function manual(): Cancellation & { abort(): void } {
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
function readAll(response: UpstreamResponse): Promise<{ body: string; ending: 'end' | Error }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const body = () => Buffer.concat(chunks).toString('utf8')
    response.read({
      data: (chunk) => chunks.push(chunk),
      end: () => resolve({ body: body(), ending: 'end' }),
      fail: (error) => resolve({ body: body(), ending: error }),
    })
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
  const port = (server.address() as AddressInfo).port
  return {
    upstream: { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'k' },
    stats: () => ({ connections, requests }),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

let server: Awaited<ReturnType<typeof rawServer>> | null = null
let client: UpstreamClient | null = null
function newClient(options: Partial<UpstreamClientOptions> = {}): UpstreamClient {
  client = createUpstreamClient({ timeouts: TIMEOUTS, proxy: null, ...options })
  return client
}
afterEach(async () => {
  await client?.close()
  client = null
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

describe('upstream client', () => {
  it('sends the request with the upstream key and reads a chunked answer split inside every structure', async () => {
    let seen = ''
    server = await rawServer((socket, request) => {
      seen = request
      void dribble(socket, chunkedResponse(SSE))
    })
    const response = await newClient().send(server.upstream, POST, never())
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('text/event-stream')
    expect(await readAll(response)).toEqual({ body: SSE, ending: 'end' })
    expect(seen).toMatch(/^POST \/v1\/chat\/completions HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\n/)
    expect(seen).toContain('authorization: Bearer k\r\n')
    expect(seen).toContain('accept-encoding: identity\r\n')
    expect(seen.endsWith('\r\n\r\n{"stream":true}')).toBe(true)
  })

  it('reads sized and close-delimited bodies', async () => {
    server = await rawServer((socket, _request, index) => {
      if (index === 0) socket.write(`HTTP/1.1 500 Oops\r\nContent-Length: 11\r\n\r\n{"error":1}`)
      else socket.end(`HTTP/1.0 200 OK\r\n\r\n${SSE}`)
    })
    const sized = await newClient().send(server.upstream, POST, never())
    expect(sized.status).toBe(500)
    expect(await readAll(sized)).toEqual({ body: '{"error":1}', ending: 'end' })
    const untilClose = await newClient().send(server.upstream, POST, never())
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
    const response = await newClient().send(server.upstream, POST, never())
    expect(response.status).toBe(200)
    expect((await readAll(response)).body).toBe(SSE)
  })

  it('reuses a kept-alive connection, and not one that sent bytes after its body', async () => {
    server = await rawServer((socket, _request, index) => {
      const extra = index === 1 ? 'garbage' : ''
      socket.write(Buffer.concat([chunkedResponse(SSE), Buffer.from(extra)]))
    })
    const upstream = newClient()
    for (let i = 0; i < 3; i++) await readAll(await upstream.send(server.upstream, POST, never()))
    // 1st and 2nd share a connection; the 2nd answer was followed by stray bytes, so the 3rd opens a new one.
    expect(server.stats()).toEqual({ connections: 2, requests: 3 })
  })

  it('fails with the cause when nothing answers, and never sends a POST twice on its own', async () => {
    server = await rawServer((socket) => socket.destroy())
    const dropped = await newClient()
      .send(server.upstream, POST, never())
      .catch((e: unknown) => e)
    expect(dropped).toBeInstanceOf(UpstreamConnectionError)
    expect(server.stats().connections).toBe(1)
    const closed = await rawServer(() => undefined)
    await closed.close()
    const refused = await newClient()
      .send(closed.upstream, POST, never())
      .catch((e: unknown) => e)
    expect(refused).toEqual(new UpstreamConnectionError('ECONNREFUSED'))
  })

  it('rejects a response that is not HTTP/1.x', async () => {
    server = await rawServer((socket) => socket.write('SSH-2.0-OpenSSH_9.2\r\n\r\n'))
    const error = await newClient()
      .send(server.upstream, POST, never())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamConnectionError)
    expect((error as Error).message).toMatch(/does not match the HTTP\/1\.1 protocol/)
  })

  it('fails the body, after every byte that did arrive, when the connection breaks mid-body', async () => {
    server = await rawServer((socket) => {
      const whole = chunkedResponse(SSE)
      socket.write(whole.subarray(0, whole.length - 12))
      setTimeout(() => socket.destroy(), 20)
    })
    const result = await readAll(await newClient().send(server.upstream, POST, never()))
    expect(result.ending).toBeInstanceOf(UpstreamConnectionError)
    expect(SSE.startsWith(result.body)).toBe(true)
    expect(result.body.length).toBeGreaterThan(10)
  })

  it.each([
    ['chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', true],
    // Not kept alive, so undici's parser must not be the one paused (its end would crash undici 7).
    ['close-delimited', 'HTTP/1.0 200 OK\r\n\r\n', false],
  ])(
    'keeps order across pause and resume, and holds the end until the consumer resumes (%s)',
    async (_name, head, chunked) => {
      const events = Array.from({ length: 20 }, (_, i) => `data: ${i}\n\n`)
      server = await rawServer((socket) => {
        socket.write(head)
        for (const event of events) {
          socket.write(chunked ? `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n` : event)
        }
        if (chunked) socket.write('0\r\n\r\n')
        else socket.end()
      })
      const response = await newClient().send(server.upstream, POST, never())
      const got: string[] = []
      let ended = false
      response.read({
        data(chunk) {
          got.push(chunk.toString())
          if (got.length === 1) {
            response.pause()
            setTimeout(() => response.resume(), 50)
          }
        },
        end: () => {
          ended = true
        },
        fail: (error) => {
          throw error
        },
      })
      await sleep(30)
      expect(got).toHaveLength(1)
      expect(ended).toBe(false)
      await sleep(100)
      expect(got.join('')).toBe(events.join(''))
      expect(ended).toBe(true)
    },
  )

  it('closes the connection when cancelled, before or after the head', async () => {
    let closed = 0
    server = await rawServer((socket, _request, index) => {
      socket.on('close', () => closed++)
      if (index === 1) socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
    })
    const upstream = newClient()
    const before = manual()
    const pending = upstream.send(server.upstream, POST, before)
    await sleep(30)
    before.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    const after = manual()
    const result = readAll(await upstream.send(server.upstream, POST, after))
    await sleep(20)
    after.abort()
    expect((await result).ending).toMatchObject({ name: 'AbortError' })
    await sleep(20)
    expect(closed).toBe(2)
  })

  it('refuses header values with line breaks (no request splitting)', async () => {
    server = await rawServer(() => undefined)
    const evil = { ...server.upstream, apiKey: 'a\r\nX-Evil: 1' }
    await expect(newClient().send(evil, POST, never())).rejects.toBeInstanceOf(UpstreamConnectionError)
    expect(server.stats().connections).toBe(0)
  })

  it('reads a bounded body: text up to the limit, then the request is cancelled', async () => {
    server = await rawServer((socket, _request, index) => {
      socket.write(`HTTP/1.1 400 Bad\r\nContent-Length: ${index === 0 ? 10 : 100000}\r\n\r\n`)
      socket.write('x'.repeat(index === 0 ? 10 : 5000))
    })
    const upstream = newClient()
    expect(await readText(await upstream.send(server.upstream, POST, never()), 64)).toBe('x'.repeat(10))
    expect(await readText(await upstream.send(server.upstream, POST, never()), 64)).toBe('x'.repeat(64))
  })
})

describe('upstream client timeouts (undici per phase)', () => {
  it('a head that does not come in time is a 504, not a connection error', async () => {
    server = await rawServer(() => undefined)
    const error = await newClient({ timeouts: { ...TIMEOUTS, headersMs: 200 } })
      .send(server.upstream, POST, never())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RelayError)
    expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' })
  })

  it('a body that goes silent fails with a 504 naming the wait', async () => {
    server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
    })
    const upstream = newClient({ timeouts: { ...TIMEOUTS, bodyMs: 250 } })
    const silent = await readAll(await upstream.send(server.upstream, POST, never()))
    expect(silent.body).toBe('hello')
    expect(silent.ending).toMatchObject({ status: 504, message: 'Upstream sent nothing for 0.3 s' })
  })

  it("a paused body does not time out: that wait is the reader's, not the upstream's", async () => {
    server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
      // Sent while the reader is paused: it waits in the socket.
      setTimeout(() => socket.write('5\r\nworld\r\n0\r\n\r\n'), 600)
    })
    const paused = await newClient({ timeouts: { ...TIMEOUTS, bodyMs: 250 } }).send(
      server.upstream,
      POST,
      never(),
    )
    const got: string[] = []
    const done = new Promise<string>((resolve) => {
      paused.read({
        data(chunk) {
          got.push(chunk.toString())
          // Paused past the body timeout (undici checks it on a ~0.5 s tick), then reading again.
          if (got.length === 1) {
            paused.pause()
            setTimeout(() => paused.resume(), 1300)
          }
        },
        end: () => resolve('end'),
        fail: (error) => resolve(error.message),
      })
    })
    expect(await done).toBe('end')
    expect(got.join('')).toBe('helloworld')
  })
})

describe('upstream client over TLS', () => {
  const dir = join(__dirname, '..', 'support', 'tls')
  let tlsServer: https.Server
  let upstream: { baseUrl: string; apiKey: string }
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
    upstream = { baseUrl: `https://localhost:${(tlsServer.address() as AddressInfo).port}/v1`, apiKey: '' }
  })
  afterAll(async () => {
    tlsServer.closeAllConnections()
    await new Promise((resolve) => tlsServer.close(resolve))
  })

  it('rejects a certificate nobody trusts', async () => {
    const error = await newClient()
      .send(upstream, POST, never())
      .catch((e: unknown) => e)
    expect(error).toEqual(new UpstreamConnectionError('DEPTH_ZERO_SELF_SIGNED_CERT'))
  })

  it('streams over TLS when the certificate is trusted', async () => {
    const response = await newClient({ ca: readFileSync(join(dir, 'cert.pem')) }).send(
      upstream,
      POST,
      never(),
    )
    expect(await readAll(response)).toEqual({ body: SSE, ending: 'end' })
  })
})

describe('the relay over its upstream client', () => {
  it('a kept-alive connection the upstream drops under a request costs the one retry, not the answer', async () => {
    server = await rawServer((socket, _request, index) => {
      // The second request arrives on the kept-alive connection: the upstream drops it unanswered.
      if (index === 1) socket.destroy()
      else socket.write(chunkedResponse(SSE))
    })
    const relay = await startTestRelay({ UPSTREAM_BASE_URL: server.upstream.baseUrl, RELAY_MODELS: 'm' })
    try {
      expect((await chat(relay.url, userMessage('hi'))).status).toBe(200)
      // undici hands the finished connection back to its pool a turn of the event loop later.
      await sleep(50)
      const again = await chat(relay.url, userMessage('hi'))
      expect(again.status).toBe(200)
      expect(dataFrames(again.text).at(-1)).toBe('[DONE]')
      expect(server.stats()).toEqual({ connections: 2, requests: 3 })
    } finally {
      await relay.close()
    }
  })
})
