import { chat, request, startTestRelay, type TestRelay, userMessage } from './helpers'

const TOKEN = 'client-token-0123456789'
let relay: TestRelay

beforeAll(async () => {
  relay = await startTestRelay({
    RELAY_TOKENS: `${TOKEN},other-token-abcdefgh`,
    RELAY_MAX_BODY_BYTES: '2048',
    RELAY_MODELS: 'demo',
    RELAY_MAX_TOKENS: '100',
    RELAY_CORS_ORIGINS: 'http://127.0.0.1:5173',
  })
})
afterAll(() => relay.close())

const auth = { Authorization: `Bearer ${TOKEN}` }

async function expectError(res: Awaited<ReturnType<typeof chat>>, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toContain('application/json')
  const body = JSON.parse(res.text)
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  expect(typeof body.error.type).toBe('string')
}

describe('authentication', () => {
  it('401 without a token, 401 with a wrong one, 200 with a listed one', async () => {
    await expectError(await chat(relay.url, userMessage('hi')), 401, 'missing_token')
    await expectError(
      await chat(relay.url, userMessage('hi'), { Authorization: 'Bearer nope' }),
      401,
      'invalid_token',
    )
    expect((await chat(relay.url, userMessage('hi'), auth)).status).toBe(200)
    expect(
      (await chat(relay.url, userMessage('hi'), { Authorization: 'Bearer other-token-abcdefgh' })).status,
    ).toBe(200)
  })

  it('/v1/models needs the token too; /healthz does not', async () => {
    expect((await request(`${relay.url}/v1/models`)).status).toBe(401)
    expect((await request(`${relay.url}/v1/models`, { headers: auth })).status).toBe(200)
    expect((await request(`${relay.url}/healthz`)).status).toBe(200)
  })
})

describe('request validation', () => {
  const bad: Array<[string, unknown, string]> = [
    ['not JSON', '{"messages": [', 'invalid_json'],
    ['a JSON array', '[]', 'invalid_json'],
    ['no messages', { stream: true }, 'invalid_messages'],
    ['empty messages', { messages: [] }, 'invalid_messages'],
    ['a bad role', { messages: [{ role: 'wizard', content: 'x' }] }, 'invalid_messages'],
    ['numeric content', { messages: [{ role: 'user', content: 5 }] }, 'invalid_messages'],
    [
      'an image part',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
      'invalid_messages',
    ],
    ['an unknown model', userMessage('hi', { model: 'gpt-5' }), 'model_not_found'],
    ['temperature 3', userMessage('hi', { temperature: 3 }), 'invalid_parameter'],
    ['temperature "1"', userMessage('hi', { temperature: '1' }), 'invalid_parameter'],
    ['top_p 1.5', userMessage('hi', { top_p: 1.5 }), 'invalid_parameter'],
    ['max_tokens 0', userMessage('hi', { max_tokens: 0 }), 'invalid_parameter'],
    ['max_tokens 1.5', userMessage('hi', { max_tokens: 1.5 }), 'invalid_parameter'],
    ['stream "yes"', userMessage('hi', { stream: 'yes' }), 'invalid_parameter'],
    ['stream_options "x"', userMessage('hi', { stream_options: 'x' }), 'invalid_parameter'],
    ['model 42', userMessage('hi', { model: 42 }), 'invalid_parameter'],
  ]
  it.each(bad)('400 for %s', async (_name, body, code) => {
    await expectError(await chat(relay.url, body, auth), 400, code)
  })

  it('accepts text parts and caps max_tokens instead of refusing', async () => {
    const body = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: false,
      max_tokens: 100000,
    }
    const res = await chat(relay.url, body, auth)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text).usage.completion_tokens).toBeLessThanOrEqual(100)
  })

  it('413 for a body over RELAY_MAX_BODY_BYTES, and the relay keeps serving', async () => {
    const huge = userMessage('x'.repeat(10_000))
    await expectError(await chat(relay.url, huge, auth), 413, 'request_too_large')
    const chunked = await request(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: JSON.stringify(huge),
    })
    expect(chunked.status).toBe(413)
    expect((await chat(relay.url, userMessage('hi'), auth)).status).toBe(200)
  })

  it('404 for an unknown path, 405 for a wrong method', async () => {
    await expectError(await request(`${relay.url}/v1/nothing`, { headers: auth }), 404, 'not_found')
    const res = await request(`${relay.url}/v1/chat/completions`, { headers: auth })
    await expectError(res, 405, 'method_not_allowed')
    expect(res.headers.allow).toBe('POST')
  })
})

describe('CORS', () => {
  it('answers the preview origin preflight and tags responses', async () => {
    const origin = 'http://127.0.0.1:5173'
    const pre = await request(`${relay.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe(origin)
    expect(pre.headers['access-control-allow-headers']).toContain('authorization')
    const res = await chat(relay.url, userMessage('hi'), { ...auth, Origin: origin })
    expect(res.headers['access-control-allow-origin']).toBe(origin)
  })

  it('refuses other origins', async () => {
    const pre = await request(`${relay.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example' },
    })
    expect(pre.status).toBe(403)
    expect(pre.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('rate limit in memory', () => {
  it('429 with Retry-After past RELAY_RATE_LIMIT per minute, counted per token', async () => {
    const limited = await startTestRelay({
      RELAY_RATE_LIMIT: '3',
      RELAY_TOKENS: 'token-aaaaaaaa,token-bbbbbbbb',
    })
    try {
      const a = { Authorization: 'Bearer token-aaaaaaaa' }
      const statuses = []
      for (let i = 0; i < 4; i++)
        statuses.push((await chat(limited.url, userMessage('hi', { stream: false }), a)).status)
      expect(statuses).toEqual([200, 200, 200, 429])
      const res = await chat(limited.url, userMessage('hi'), a)
      await expectError(res, 429, 'rate_limited')
      const retryAfter = Number(res.headers['retry-after'])
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
      const b = await chat(limited.url, userMessage('hi'), { Authorization: 'Bearer token-bbbbbbbb' })
      expect(b.status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})
