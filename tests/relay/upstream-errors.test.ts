import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, startTestRelay, type TestRelay, userMessage } from './helpers'

const KEY = 'sk-primary-key-abcdefghijklmnop'
const FALLBACK_KEY = 'sk-fallback-key-qrstuvwxyz012345'
let primary: UpstreamEmulator
let fallback: UpstreamEmulator
let relay: TestRelay
let single: TestRelay

beforeAll(async () => {
  primary = await startUpstreamEmulator()
  fallback = await startUpstreamEmulator()
  const env = {
    UPSTREAM_API_KEY: KEY,
    RELAY_MODELS: 'gpt-4o-mini',
    RELAY_COMMIT_MS: '300',
    RELAY_HEARTBEAT_MS: '50',
  }
  relay = await startTestRelay({
    ...env,
    UPSTREAM_BASE_URL: primary.url,
    UPSTREAM_FALLBACK_BASE_URL: fallback.url,
    UPSTREAM_FALLBACK_API_KEY: FALLBACK_KEY,
  })
  single = await startTestRelay({ ...env, UPSTREAM_BASE_URL: primary.url })
})
afterAll(async () => {
  await relay.close()
  await single.close()
  await primary.close()
  await fallback.close()
})
beforeEach(() => {
  primary.setBehaviour({})
  fallback.setBehaviour({})
  primary.requests.length = 0
  fallback.requests.length = 0
})

describe('errors before the commit time keep their real status', () => {
  it.each([
    [400, 400],
    [404, 404],
    [401, 502],
  ])('upstream %i → relay %i with an OpenAI JSON error', async (upstream, expected) => {
    primary.setBehaviour({ status: upstream, errorMessage: `bad request, key ${KEY}` })
    const res = await chat(single.url, userMessage('hi'))
    expect(res.status).toBe(expected)
    expect(res.headers['content-type']).toContain('application/json')
    const body = JSON.parse(res.text)
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'type'])
    expect(res.text).not.toContain(KEY)
    expect(primary.requests).toHaveLength(1)
  })

  it('429 is retried once, then returned with Retry-After', async () => {
    primary.setBehaviour({ status: 429, retryAfter: '7' })
    const res = await chat(single.url, userMessage('hi'))
    expect(res.status).toBe(429)
    expect(res.headers['retry-after']).toBe('7')
    expect(JSON.parse(res.text).error.code).toBe('rate_limit_exceeded')
    expect(primary.requests).toHaveLength(2)
  })

  it('a 200 with a JSON error body becomes a 502 with the upstream message, not retried', async () => {
    primary.setBehaviour({ jsonError200: true, errorMessage: 'blocked by gateway' })
    const res = await chat(single.url, userMessage('hi'))
    expect(res.status).toBe(502)
    expect(JSON.parse(res.text).error).toMatchObject({ message: 'blocked by gateway', code: 'gateway_error' })
    expect(primary.requests).toHaveLength(1)
  })

  it('an unreachable upstream is a 502 without internals', async () => {
    const dead = await startTestRelay({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1', RELAY_MODELS: 'm' })
    const res = await chat(dead.url, userMessage('hi'))
    await dead.close()
    expect(res.status).toBe(502)
    expect(JSON.parse(res.text).error.code).toBe('upstream_unreachable')
    expect(res.text).not.toContain('ECONNREFUSED')
  })
})

describe('upstream timeouts (undici, bounded by RELAY_IDLE_TIMEOUT_MS)', () => {
  let quick: TestRelay
  beforeAll(async () => {
    quick = await startTestRelay({
      UPSTREAM_BASE_URL: primary.url,
      RELAY_MODELS: 'gpt-4o-mini',
      RELAY_IDLE_TIMEOUT_MS: '300',
      RELAY_COMMIT_MS: '5000',
    })
  })
  afterAll(() => quick.close())

  it.each([true, false])(
    'a head that does not come is a 504 upstream_timeout, not retried (stream: %s)',
    async (stream) => {
      // undici checks its timeouts on a ~0.5 s tick: the head comes well after 300 ms plus that.
      primary.setBehaviour({ slowHeadersMs: 2500 })
      const res = await chat(quick.url, userMessage('hi', { stream }))
      expect(res.status).toBe(504)
      expect(JSON.parse(res.text).error.code).toBe('upstream_timeout')
      expect(primary.requests).toHaveLength(1)
    },
  )
})

describe('after the commit time', () => {
  it('a late upstream error arrives as an error frame on a committed 200 stream', async () => {
    primary.setBehaviour({ slowHeadersMs: 500, status: 400, errorMessage: 'context too long' })
    const res = await chat(single.url, userMessage('hi'))
    expect(res.status).toBe(200)
    expect(res.text.startsWith(': ok\n\n')).toBe(true)
    const frames = dataFrames(res.text)
    expect(frames).toHaveLength(1)
    expect(JSON.parse(frames[0]!).error).toMatchObject({ message: 'context too long' })
  })
})

describe('retry and failover', () => {
  it.each([500, 503, 429])(
    'fails over to the fallback upstream on %i, with the fallback key',
    async (status) => {
      primary.setBehaviour({ status })
      const res = await chat(relay.url, userMessage('hi'))
      expect(res.status).toBe(200)
      expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
      expect(primary.requests).toHaveLength(1)
      expect(fallback.requests).toHaveLength(1)
      expect(fallback.requests[0]!.headers.authorization).toBe(`Bearer ${FALLBACK_KEY}`)
    },
  )

  it('fails over for stream: false too, and keeps a 4xx from the upstream without retrying', async () => {
    primary.setBehaviour({ status: 503 })
    const ok = await chat(relay.url, userMessage('你好', { stream: false }))
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.text).object).toBe('chat.completion')
    expect(fallback.requests).toHaveLength(1)

    primary.setBehaviour({ status: 400 })
    const refused = await chat(relay.url, userMessage('你好', { stream: false }))
    expect(refused.status).toBe(400)
    expect(fallback.requests).toHaveLength(1)
  })

  it('retries the same upstream once when there is no fallback', async () => {
    primary.queueBehaviours({ status: 500 })
    const res = await chat(single.url, userMessage('hi'))
    expect(res.status).toBe(200)
    expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
    expect(primary.requests).toHaveLength(2)
  })

  it('fails over after the commit when no content byte was sent yet', async () => {
    primary.setBehaviour({ slowHeadersMs: 500, status: 502 })
    const res = await chat(relay.url, userMessage('hi'))
    expect(res.text.startsWith(': ok\n\n')).toBe(true)
    expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
    expect(fallback.requests).toHaveLength(1)
  })

  it.each([400, 401])('does not retry a %i', async (status) => {
    primary.setBehaviour({ status })
    await chat(relay.url, userMessage('hi'))
    expect(primary.requests).toHaveLength(1)
    expect(fallback.requests).toHaveLength(0)
  })

  it('does not retry once content has been forwarded (cut mid-answer)', async () => {
    primary.setBehaviour({ cutAfterBytes: 700 })
    const res = await chat(relay.url, userMessage('hi'))
    expect(JSON.parse(dataFrames(res.text).at(-1)!).error.code).toBe('upstream_disconnected')
    expect(fallback.requests).toHaveLength(0)
  })
})

describe('stream: false', () => {
  it('proxies the JSON answer', async () => {
    const res = await chat(single.url, userMessage('hi', { stream: false }))
    expect(res.status).toBe(200)
    const body = JSON.parse(res.text)
    expect(body.object).toBe('chat.completion')
    expect(body.choices[0].message.content.length).toBeGreaterThan(0)
    expect(primary.requests[0]!.json?.stream).toBe(false)
  })

  it('returns an upstream 500 (after one retry) with its status', async () => {
    primary.setBehaviour({ status: 500 })
    const res = await chat(single.url, userMessage('hi', { stream: false }))
    expect(res.status).toBe(500)
    expect(primary.requests).toHaveLength(2)
  })
})
