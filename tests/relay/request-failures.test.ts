import { RelayError } from '../../relay/src/errors'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../relay/src/http/json'
import { type RelayProcess, spawnRelay } from '../support/relay-process'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, startTestRelay, userMessage } from './helpers'

jest.setTimeout(30_000)

/** A valid chat body with an unknown field nested `depth` levels deep (20 KB at 10,000). */
function deepBody(depth: number): string {
  return `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(depth)}${']'.repeat(depth)}}`
}

let emu: UpstreamEmulator
beforeAll(async () => {
  emu = await startUpstreamEmulator()
})
afterAll(() => emu.close())

describe('JSON depth', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan(Buffer.from('[[[]]]'), 3)).toBe(false)
    expect(nestsDeeperThan(Buffer.from('[[[[]]]]'), 3)).toBe(true)
    expect(nestsDeeperThan(Buffer.from('["[[[[[[", "\\"[[[[["]'), 2)).toBe(false)
  })
})

describe('one request cannot take the relay down', () => {
  it('a body nested 10,000 levels deep is a 400, and the relay streams normally afterwards', async () => {
    const relay = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_COMMIT_MS: '20' })
    try {
      const res = await chat(relay.url, deepBody(10_000))
      expect(res.status).toBe(400)
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'invalid_json' })
      expect(JSON.parse(res.text).error.message).toContain(String(MAX_JSON_DEPTH))
      // Past the commit delay: nothing of the refused request may write again.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(dataFrames((await chat(relay.url, userMessage('hi', { model: 'm' }))).text).at(-1)).toBe(
        '[DONE]',
      )
    } finally {
      await relay.close()
    }
  })

  it('a failure while building the upstream request is a logged 500, and the commit timer never fires', async () => {
    const relay = await startTestRelay(
      { UPSTREAM_BASE_URL: emu.url, RELAY_COMMIT_MS: '20' },
      {
        // A value JSON.stringify cannot write: building the upstream payload throws a TypeError.
        beforeUpstream: async (ctx) => {
          if (ctx.body.messages[0]?.content === 'boom') ctx.body.extra = 10n
        },
      },
    )
    try {
      const res = await chat(relay.url, userMessage('boom', { model: 'm' }))
      expect(res.status).toBe(500)
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'server_error', type: 'server_error' })
      await new Promise((resolve) => setTimeout(resolve, 100))
      const id = String(res.headers['x-request-id'])
      const line = relay.logs.find((l) => l.includes('"msg":"chat failed"'))
      expect(line).toContain(`"requestId":"${id}"`)
      expect(line).toContain('BigInt')
      expect(dataFrames((await chat(relay.url, userMessage('hi', { model: 'm' }))).text).at(-1)).toBe(
        '[DONE]',
      )
    } finally {
      await relay.close()
    }
  })

  it('a hook that throws something other than a RelayError is logged with the request id', async () => {
    const relay = await startTestRelay(
      {},
      {
        authenticate: async (req) => {
          if (req.headers['x-bug']) throw new TypeError('hook bug')
          if (req.headers['x-refuse']) throw new RelayError(403, 'forbidden', 'no')
          return null
        },
      },
    )
    try {
      const res = await chat(relay.url, userMessage('hi'), { 'x-bug': '1' })
      expect(res.status).toBe(500)
      const line = relay.logs.find((l) => l.includes('"msg":"request failed"'))
      expect(line).toContain(`"requestId":"${res.headers['x-request-id']}"`)
      expect(line).toContain('hook bug')
      // A RelayError is an answer, not a failure: not logged as one.
      expect((await chat(relay.url, userMessage('hi'), { 'x-refuse': '1' })).status).toBe(403)
      expect(relay.logs.filter((l) => l.includes('"level":"error"'))).toHaveLength(1)
    } finally {
      await relay.close()
    }
  })
})

describe('the relay process', () => {
  let proc: RelayProcess
  beforeAll(async () => {
    proc = await spawnRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_COMMIT_MS: '20', RELAY_MODELS: 'm' })
  })
  afterAll(() => proc.stop())

  it('survives the deep body and answers the next request', async () => {
    const res = await chat(proc.url, deepBody(10_000))
    expect(res.status).toBe(400)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const next = await chat(proc.url, userMessage('hi', { model: 'm' }))
    expect(dataFrames(next.text).at(-1)).toBe('[DONE]')
    expect(proc.output()).not.toContain('ERR_HTTP_HEADERS_SENT')
  })
})
