import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, request, startTestRelay, type TestRelay, userMessage } from './helpers'

const KEY = 'sk-live-very-secret-upstream-key-42'
const TOKEN = 'client-bearer-token-777777'
let emu: UpstreamEmulator
let relay: TestRelay

beforeAll(async () => {
  emu = await startUpstreamEmulator()
  relay = await startTestRelay({
    UPSTREAM_BASE_URL: emu.url,
    UPSTREAM_API_KEY: KEY,
    RELAY_TOKENS: TOKEN,
    RELAY_MODELS: 'gpt-4o-mini',
    RELAY_COMMIT_MS: '50',
    RELAY_IDLE_TIMEOUT_MS: '300',
  })
})
afterAll(async () => {
  await relay.close()
  await emu.close()
})

describe('the upstream key and client tokens never leak', () => {
  it('not in any response, error or log line, even when the upstream echoes the key', async () => {
    const echo = `Incorrect API key provided: ${KEY}`
    const behaviours = [
      {},
      { status: 401, errorMessage: echo },
      { status: 400, errorMessage: echo },
      { status: 500, errorMessage: echo },
      { status: 429, errorMessage: echo },
      { jsonError200: true, errorMessage: echo },
      { slowHeadersMs: 150, status: 400, errorMessage: echo },
      { malformed: true },
      { stallAfterBytes: 300 },
    ]
    const auth = { Authorization: `Bearer ${TOKEN}` }
    const bodies: string[] = []
    for (const behaviour of behaviours) {
      emu.setBehaviour(behaviour)
      for (const stream of [true, false]) {
        const res = await chat(relay.url, userMessage('hi', { stream }), auth)
        bodies.push(JSON.stringify(res.headers), res.text)
      }
    }
    bodies.push((await request(`${relay.url}/v1/models`, { headers: auth })).text)
    bodies.push((await request(`${relay.url}/healthz`)).text)
    const everything = [...bodies, ...relay.logs].join('\n')
    expect(everything).toContain('[redacted]')
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain(TOKEN)
    // The upstream got the relay's key every time and never the client's token.
    for (const seen of emu.requests) {
      expect(seen.headers.authorization).toBe(`Bearer ${KEY}`)
      expect(JSON.stringify(seen.headers)).not.toContain(TOKEN)
    }
  })
})

describe('every path that forwards upstream text redacts the key', () => {
  const auth = { Authorization: `Bearer ${TOKEN}` }
  const frame = (delta: object) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`
  const echo = `Incorrect API key provided: ${KEY}`

  it.each([
    ['a 200 event stream whose body is a JSON error', { body: JSON.stringify({ error: { message: echo } }) }],
    [
      'an in-band error event after some answer',
      { body: `${frame({ content: '你好' })}data: ${JSON.stringify({ error: { message: echo } })}\n\n` },
    ],
    [
      'answer text that carries the key, split across reads',
      { body: `${frame({ content: `key: ${KEY} end` })}data: [DONE]\n\n`, chunkSize: 7, delayMs: 2 },
    ],
  ])('%s', async (_name, behaviour) => {
    emu.setBehaviour(behaviour)
    const res = await chat(relay.url, userMessage('hi'), auth)
    expect(res.status).toBe(200)
    expect(res.text).not.toContain(KEY)
    // Not even the larger part of it: a prefix of the key must not slip out ahead of the rest.
    expect(res.text).not.toContain(KEY.slice(0, 12))
    expect(res.text).toContain('[redacted]')
  })

  it('a stream: false answer that carries the key', async () => {
    emu.setBehaviour({ body: `${frame({ content: `key: ${KEY}` })}data: [DONE]\n\n` })
    const res = await chat(relay.url, userMessage('hi', { stream: false }), auth)
    expect(res.status).toBe(200)
    expect(res.text).not.toContain(KEY)
    expect(JSON.parse(res.text).choices[0].message.content).toBe('key: [redacted]')
  })
})
