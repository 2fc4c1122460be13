import net from 'node:net'
import { hostileRequest } from '../support/hostile-requests'
import { seededRandom } from '../support/random'
import { rawClient } from '../support/raw-client'
import { type RelayProcess, spawnRelay } from '../support/relay-process'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { chat, dataFrames, request, userMessage, waitFor } from './helpers'

// The relay as deployed (relay/src/main.ts in its own process, WeChat layer on), attacked over raw
// sockets. Every request must be answered within its bound, a client's mistake is never a 5xx,
// and afterwards the relay is still healthy and streams normally.

jest.setTimeout(120_000)

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204)
const FUZZ_COUNT = 1200
const CONCURRENCY = 16
const TOKEN = 'hostile-suite-token-0123456789'
/** Request timeouts of the relay under test (the smallest allowed), and the most any answer may take. */
const REQUEST_TIMEOUT_MS = 1000
const ANSWER_BOUND_MS = REQUEST_TIMEOUT_MS + 1000 + 3000

let wx: WechatEmulator
let emu: UpstreamEmulator
let relay: RelayProcess

beforeAll(async () => {
  wx = await startWechatEmulator()
  emu = await startUpstreamEmulator()
  emu.setBehaviour({ chunkSize: 4096, delayMs: 0 })
  relay = await spawnRelay({
    UPSTREAM_BASE_URL: emu.url,
    UPSTREAM_API_KEY: 'sk-hostile-upstream-key-0123456789',
    RELAY_MODELS: 'm,demo',
    RELAY_TOKENS: TOKEN,
    RELAY_DEMO_DELAY_MS: '0',
    RELAY_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    RELAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    RELAY_WRITE_TIMEOUT_MS: '500',
    WX_API_BASE: wx.url,
    WX_APPID: wx.appid,
    WX_SECRET: wx.secret,
    RELAY_SESSION_SECRET: 'hostile-suite-session-secret-0123',
    RELAY_SECCHECK: '1',
  })
})
afterAll(async () => {
  await relay.stop()
  await emu.close()
  await wx.close()
})

const auth = { Authorization: `Bearer ${TOKEN}` }

/** Sends raw bytes on a fresh connection; resolves with the final status line's code (null: closed without one). */
function exchange(bytes: Buffer): Promise<{ status: number | null; ms: number }> {
  const { port } = new URL(relay.url)
  const started = Date.now()
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1')
    let received = ''
    let settled = false
    const settle = (status: number | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ status, ms: Date.now() - started })
    }
    const timer = setTimeout(() => settle(null), ANSWER_BOUND_MS + 2000)
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      // Interim answers (100 Continue) are not the answer.
      for (const match of received.matchAll(/HTTP\/1\.[01] (\d{3})/g)) {
        if (!match[1]!.startsWith('1')) return settle(Number(match[1]))
      }
    })
    socket.on('close', () => settle(null))
    socket.write(bytes)
  })
}

async function healthy(): Promise<void> {
  expect(JSON.parse((await request(`${relay.url}/healthz`)).text)).toMatchObject({ ok: true })
  const answer = await chat(relay.url, userMessage('你好', { model: 'm' }), auth)
  expect(dataFrames(answer.text).at(-1)).toBe('[DONE]')
}

describe('hostile input against the running relay', () => {
  it('a body nested 10,000 levels deep', async () => {
    const deep = `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`
    const res = await chat(relay.url, deep, auth)
    expect(res.status).toBe(400)
    await healthy()
  })

  it('slow headers and slow bodies, on the chat route and the unauthenticated login route', async () => {
    const slowHeaders = await rawClient(relay.url)
    slowHeaders.socket.write('POST /auth/wx-login HTTP/1.1\r\nHost: relay\r\n')
    const trickle = setInterval(() => slowHeaders.socket.write('X'), 100)
    const bodies = await Promise.all(
      ['/v1/chat/completions', '/auth/wx-login'].map(async (path) => {
        const client = await rawClient(relay.url)
        client.socket.write(
          `POST ${path} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
        )
        return client.closed
      }),
    )
    const headersMs = await slowHeaders.closed
    clearInterval(trickle)
    for (const ms of [headersMs, ...bodies]) expect(ms).toBeLessThan(ANSWER_BOUND_MS)
    await healthy()
  })

  it('a client that never reads its answer', async () => {
    const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: '长'.repeat(2000) } }] })}\n\n`
    emu.setBehaviour({ body: event.repeat(5000), chunkSize: 64 * 1024, delayMs: 0 })
    try {
      const before = emu.requests.length
      const client = await rawClient(relay.url, { read: false })
      const body = JSON.stringify(userMessage('hi', { model: 'm' }))
      client.socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      )
      await waitFor(() => emu.requests.length > before)
      // The relay drops the client and closes the upstream connection it no longer reads.
      await emu.requests[before]!.closed
      client.socket.destroy()
    } finally {
      emu.setBehaviour({ chunkSize: 4096, delayMs: 0 })
    }
    await healthy()
  })

  it('wrong content types', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await request(`${relay.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': type },
        body: JSON.stringify(userMessage('hi', { model: 'm' })),
      })
      expect(res.status).toBe(415)
    }
    await healthy()
  })

  it(`a seeded fuzz run of ${FUZZ_COUNT} malformed requests (seed ${SEED}): each answered in time, none a 5xx`, async () => {
    const random = seededRandom(SEED)
    const requests = Array.from({ length: FUZZ_COUNT }, (_, i) => hostileRequest(random, i, TOKEN))
    const failures: string[] = []
    const statuses = new Map<number | null, number>()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const hostile = requests[next++]!
        const { status, ms } = await exchange(hostile.bytes)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        if (status === null) failures.push(`no answer in ${ms} ms: ${hostile.what}`)
        else if (status >= 500) failures.push(`${status}: ${hostile.what}`)
        else if (ms > ANSWER_BOUND_MS) failures.push(`${status} after ${ms} ms: ${hostile.what}`)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    expect({ seed: SEED, failures: failures.slice(0, 10), count: failures.length }).toEqual({
      seed: SEED,
      failures: [],
      count: 0,
    })
    // The run reached every layer: refusals of every kind, and some answers.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 405, 415]))
    await healthy()
    expect(relay.output()).not.toMatch(/uncaught|unhandled|"level":"error"/)
  })
})
