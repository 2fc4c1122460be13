import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { startTestRelay, type TestRelay, userMessage } from './helpers'

// Checks the HTTP framing of forwarded streams where a change to how the relay writes chunks could
// break it: keep-alive reuse after a stream, backpressure from a slow reader, an HTTP/1.0 client.

const EVENTS = 400
/** ~4 KB per event: enough bytes (~1.6 MB) to fill the socket buffers of a client that does not read. */
const PAD = 'x'.repeat(4000)

function event(i: number): string {
  return `data: {"choices":[{"index":0,"delta":{"content":"${i} ${PAD}"},"finish_reason":null}]}\n\n`
}
const FINISH = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
const EXPECTED = Array.from({ length: EVENTS }, (_, i) => event(i)).join('') + FINISH

let upstream: http.Server
let relay: TestRelay
/** The same relay with a short idle timeout: a slow client must not look like a silent upstream. */
let impatient: TestRelay
let paused = 0

beforeAll(async () => {
  // An upstream that writes every event as its own chunk, as fast as the relay takes them.
  upstream = http.createServer((req, res) => {
    req.resume()
    req.on('end', async () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      for (let i = 0; i < EVENTS; i++) {
        if (!res.write(event(i))) {
          paused++
          await new Promise((resolve) => res.once('drain', resolve))
        }
      }
      res.end(FINISH)
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const port = (upstream.address() as AddressInfo).port
  relay = await startTestRelay({ UPSTREAM_BASE_URL: `http://127.0.0.1:${port}/v1`, RELAY_MODELS: 'm' })
  impatient = await startTestRelay({
    UPSTREAM_BASE_URL: `http://127.0.0.1:${port}/v1`,
    RELAY_MODELS: 'm',
    RELAY_IDLE_TIMEOUT_MS: '300',
  })
})
afterAll(async () => {
  await relay.close()
  await impatient.close()
  await new Promise((resolve) => upstream.close(resolve))
})

/** Sends raw request bytes on one connection and collects what comes back until `done(text)` or close. */
function rawExchange(requests: string[], done: (text: string) => boolean): Promise<string> {
  const { port } = new URL(relay.url)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1')
    let text = ''
    socket.setEncoding('latin1')
    socket.on('connect', () => socket.write(requests.join('')))
    socket.on('data', (data: string) => {
      text += data
      if (done(text)) {
        socket.destroy()
        resolve(text)
      }
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

function post(version: string, keepAlive: boolean): string {
  const body = JSON.stringify(userMessage('hi', { model: 'm' }))
  return (
    `POST /v1/chat/completions ${version}\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${keepAlive ? 'Connection: keep-alive\r\n' : ''}\r\n${body}`
  )
}

/** Decodes one chunked body starting at `from`; returns it and where the next message starts. */
function dechunk(text: string, from: number): { body: string; next: number } {
  let at = from
  let body = ''
  for (;;) {
    const eol = text.indexOf('\r\n', at)
    const size = Number.parseInt(text.slice(at, eol), 16)
    expect(Number.isNaN(size)).toBe(false)
    at = eol + 2
    if (size === 0) {
      expect(text.slice(at, at + 2)).toBe('\r\n')
      return { body, next: at + 2 }
    }
    body += text.slice(at, at + size)
    expect(text.slice(at + size, at + size + 2)).toBe('\r\n')
    at += size + 2
  }
}

describe('HTTP framing of forwarded streams', () => {
  it('keeps a keep-alive connection usable: two streams back to back, each framed and terminated', async () => {
    const text = await rawExchange([post('HTTP/1.1', true), post('HTTP/1.1', true)], (t) => {
      const first = t.indexOf('\r\n0\r\n\r\n')
      return first !== -1 && t.indexOf('\r\n0\r\n\r\n', first + 1) !== -1
    })
    const expected = Buffer.from(EXPECTED).toString('latin1')
    let at = 0
    for (let i = 0; i < 2; i++) {
      const headEnd = text.indexOf('\r\n\r\n', at)
      const head = text.slice(at, headEnd)
      expect(head.startsWith('HTTP/1.1 200')).toBe(true)
      expect(head.toLowerCase()).toContain('transfer-encoding: chunked')
      const { body, next } = dechunk(text, headEnd + 4)
      expect(body).toBe(expected)
      at = next
    }
    expect(text.length).toBe(at)
  })

  it.each([
    ['', 500],
    // Paused longer than the idle timeout plus undici's ~0.5 s timer tick: the wait is the client's.
    [' (for longer than RELAY_IDLE_TIMEOUT_MS)', 1500],
  ])(
    'holds back the upstream while the client does not read, then delivers every byte in order%s',
    async (_name, waitMs) => {
      const target = waitMs > 500 ? impatient : relay
      const before = paused
      const { port } = new URL(target.url)
      const body = await new Promise<string>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          path: '/v1/chat/completions',
          method: 'POST',
          agent: false,
          headers: { 'Content-Type': 'application/json' },
        })
        req.on('error', reject)
        req.on('response', (res) => {
          res.pause()
          // Long enough for the relay's socket to fill and the upstream to be told to wait.
          setTimeout(() => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
            res.resume()
          }, waitMs)
        })
        req.end(JSON.stringify(userMessage('hi', { model: 'm' })))
      })
      expect(body).toBe(EXPECTED)
      // The relay stopped reading, so the upstream's own writes had to wait for it.
      expect(paused).toBeGreaterThan(before)
    },
  )

  it('sends an HTTP/1.0 client the plain bytes (no chunk framing) and closes', async () => {
    const text = await rawExchange([post('HTTP/1.0', false)], () => false)
    const headEnd = text.indexOf('\r\n\r\n')
    expect(text.slice(0, headEnd).toLowerCase()).not.toContain('transfer-encoding')
    expect(text.slice(headEnd + 4)).toBe(Buffer.from(EXPECTED).toString('latin1'))
  })
})
