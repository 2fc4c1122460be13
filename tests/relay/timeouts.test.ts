import net from 'node:net'
import { CONNECTION_CHECK_MS, loadConfig, SLOW_REQUEST_BOUND_MS } from '../../relay/src/config'
import { startWechatRelay, wechatEnv } from '../relay-wechat/harness'
import { rawClient } from '../support/raw-client'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { chat, dataFrames, startTestRelay, type TestRelay, userMessage, waitFor } from './helpers'

jest.setTimeout(30_000)

const TOKEN = 'client-token-0123456789'
const LIMITS = { RELAY_HEADERS_TIMEOUT_MS: '1000', RELAY_REQUEST_TIMEOUT_MS: '1500' }
/** Slack for a loaded test box on top of a bound. */
const SLACK_MS = 700

let emu: UpstreamEmulator
let relay: TestRelay
beforeAll(async () => {
  emu = await startUpstreamEmulator()
  relay = await startTestRelay({
    UPSTREAM_BASE_URL: emu.url,
    RELAY_MODELS: 'm',
    RELAY_TOKENS: TOKEN,
    ...LIMITS,
  })
})
afterAll(async () => {
  await relay.close()
  await emu.close()
})

describe('the defaults drop any slow request within 40 s', () => {
  it('headers and the whole request are bounded, Node checking every second', () => {
    const config = loadConfig({})
    expect(config.headersTimeoutMs + CONNECTION_CHECK_MS).toBeLessThanOrEqual(SLOW_REQUEST_BOUND_MS)
    expect(config.requestTimeoutMs + CONNECTION_CHECK_MS).toBeLessThanOrEqual(SLOW_REQUEST_BOUND_MS)
    expect(config.writeTimeoutMs).toBeGreaterThan(0)
    expect(() => loadConfig({ RELAY_REQUEST_TIMEOUT_MS: '60000' })).toThrow('RELAY_REQUEST_TIMEOUT_MS')
    expect(() => loadConfig({ RELAY_HEADERS_TIMEOUT_MS: '0' })).toThrow('RELAY_HEADERS_TIMEOUT_MS')
  })
})

describe('a client that sends its request slowly is disconnected within its bound', () => {
  it('headers trickled a byte at a time: gone after RELAY_HEADERS_TIMEOUT_MS', async () => {
    const client = await rawClient(relay.url)
    client.socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\n')
    const trickle = setInterval(() => client.socket.write('X'), 100)
    const ms = await client.closed
    clearInterval(trickle)
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(ms).toBeLessThan(1000 + CONNECTION_CHECK_MS + SLACK_MS)
  })

  it('Content-Length 1000 and one byte, on the chat route: a 408 and gone after RELAY_REQUEST_TIMEOUT_MS', async () => {
    const client = await rawClient(relay.url)
    client.socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    )
    const ms = await client.closed
    expect(ms).toBeGreaterThanOrEqual(1300)
    expect(ms).toBeLessThan(1500 + SLACK_MS)
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/)
  })

  it('the same without credentials, on /auth/wx-login', async () => {
    const wx: WechatEmulator = await startWechatEmulator()
    const wechat = await startWechatRelay(wechatEnv(wx, LIMITS))
    try {
      const client = await rawClient(wechat.relay.url)
      client.socket.write(
        'POST /auth/wx-login HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      )
      const ms = await client.closed
      expect(ms).toBeLessThan(1500 + SLACK_MS)
      expect(wx.counters.jscode2session).toBe(0)
    } finally {
      await wechat.close()
      await wx.close()
    }
  })
})

describe('a client that stops reading is dropped', () => {
  it('its socket full for RELAY_WRITE_TIMEOUT_MS: the connection and the upstream request are closed', async () => {
    const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: '很长的回答'.repeat(200) } }] })}\n\n`
    emu.setBehaviour({ body: event.repeat(8000), chunkSize: 64 * 1024, delayMs: 0 })
    const slow = await startTestRelay({
      UPSTREAM_BASE_URL: emu.url,
      RELAY_MODELS: 'm',
      RELAY_WRITE_TIMEOUT_MS: '500',
    })
    try {
      const before = emu.requests.length
      const client = await rawClient(slow.url, { read: false })
      const body = JSON.stringify(userMessage('hi'))
      client.socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
      // The relay's side: once the client's socket stayed full, the relay ends the request and
      // closes the upstream connection, having read only what it could pass on.
      const started = Date.now()
      await waitFor(() => emu.requests.length > before)
      await emu.requests[before]!.closed
      expect(Date.now() - started).toBeLessThan(5000)
      await waitFor(() => slow.logs.some((l) => l.includes('"msg":"chat"')))
      const line = JSON.parse(slow.logs.find((l) => l.includes('"msg":"chat"'))!)
      expect(line.clientAborted).toBe(true)
      expect(line.bytes).toBeLessThan(event.length * 8000)
      // The client's side: once it reads again, it finds the connection closed.
      client.socket.resume()
      expect(await client.closed).toBeGreaterThan(0)
      // Everyone else is served as before.
      emu.setBehaviour({})
      expect(dataFrames((await chat(slow.url, userMessage('hi'))).text).at(-1)).toBe('[DONE]')
    } finally {
      emu.setBehaviour({})
      await slow.close()
    }
  })
})

describe('connection caps', () => {
  it('refuses connections past RELAY_MAX_CONNECTIONS_PER_IP before reading a byte, and takes them again once some close', async () => {
    const capped = await startTestRelay({ RELAY_MAX_CONNECTIONS_PER_IP: '3' })
    try {
      const held = await Promise.all([rawClient(capped.url), rawClient(capped.url), rawClient(capped.url)])
      const extra = await rawClient(capped.url)
      expect(await extra.closed).toBeLessThan(1000)
      held[0]!.socket.destroy()
      await held[0]!.closed
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect((await chat(capped.url, userMessage('hi'))).status).toBe(200)
      for (const client of held) client.socket.destroy()
    } finally {
      await capped.close()
    }
  })

  it('refuses connections past RELAY_MAX_CONNECTIONS', async () => {
    const capped = await startTestRelay({ RELAY_MAX_CONNECTIONS: '2' })
    try {
      const held = await Promise.all([rawClient(capped.url), rawClient(capped.url)])
      const extra = await rawClient(capped.url)
      expect(await extra.closed).toBeLessThan(1000)
      for (const client of held) client.socket.destroy()
    } finally {
      await capped.close()
    }
  })
})

/** An upstream that sends a response head (and maybe a few body bytes), then nothing, forever. */
async function silentUpstream(head: string): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('data', () => socket.write(head))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

describe("reads of the upstream's body after its head are bounded by RELAY_IDLE_TIMEOUT_MS", () => {
  const heads: Array<[string, string, boolean]> = [
    [
      'an error body',
      'HTTP/1.1 500 Internal\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"err',
      true,
    ],
    [
      'a body that is not SSE',
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"err',
      true,
    ],
    [
      'a stream: false answer',
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ch',
      false,
    ],
  ]
  it.each(heads)('%s', async (_name, head, stream) => {
    const upstream = await silentUpstream(head)
    const idle = await startTestRelay({
      UPSTREAM_BASE_URL: upstream.url,
      RELAY_MODELS: 'm',
      RELAY_IDLE_TIMEOUT_MS: '800',
      RELAY_COMMIT_MS: '100',
      RELAY_HEARTBEAT_MS: '200',
    })
    try {
      const started = Date.now()
      const res = await chat(idle.url, userMessage('hi', { stream }))
      expect(Date.now() - started).toBeLessThan(800 + 500 + SLACK_MS)
      const error = stream ? JSON.parse(dataFrames(res.text).at(-1)!).error : JSON.parse(res.text).error
      expect(error.code).toBe('upstream_timeout')
    } finally {
      await idle.close()
      await upstream.close()
    }
  })
})
