import { loadTranscript } from '../fixtures/transcripts'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import {
  cancelGeneration,
  errorCode,
  frameCount,
  framesOf,
  idMaker,
  idsOf,
  resumeGeneration,
  startGeneration,
  startGenerationRelay,
} from './generation-helpers'
import { chat, dataFrames, request, type TestRelay, userMessage, waitFor } from './helpers'

const TOKENS = { RELAY_TOKENS: 'alice-token,bob-token,carol-token' }
const ALICE = 'alice-token'
const BOB = 'bob-token'
const CAROL = 'carol-token'
/** A transcript with Chinese, emoji, reasoning_content and usage, 163 events. */
const TRANSCRIPT = { transcript: 'deepseek-reasoner', chunkSize: 512, delayMs: 2 }
/** An answer that takes long enough to act on while it runs. */
const SLOW = { transcript: 'deepseek-reasoner', chunkSize: 256, delayMs: 8 }

let emu: UpstreamEmulator
let relay: TestRelay
let offset = 0
const now = () => Date.now() + offset

beforeAll(async () => {
  emu = await startUpstreamEmulator()
  relay = await startGenerationRelay(
    {
      UPSTREAM_BASE_URL: emu.url,
      ...TOKENS,
      RELAY_GENERATIONS_PER_CALLER: '1000',
      RELAY_GENERATION_TTL_MS: '60000',
      RELAY_DETACHED_TIMEOUT_MS: '30000',
    },
    { now },
  )
})

afterAll(async () => {
  await relay.close()
  await emu.close()
})

beforeEach(() => {
  emu.setBehaviour(TRANSCRIPT)
})

const freshId = idMaker('gen')

/** The whole recorded transcript of one uninterrupted resumable answer. */
async function reference(): Promise<Buffer[]> {
  const res = await startGeneration(relay.url, freshId(), { token: ALICE })
  return framesOf(res.body)
}

describe('resumable generations (memory store)', () => {
  test('an uninterrupted answer: 200 SSE, the id echoed, every data event numbered 1…n, ends with [DONE]', async () => {
    const id = freshId()
    const res = await startGeneration(relay.url, id, { token: ALICE })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('text/event-stream')
    expect(res.headers['x-generation-id']).toBe(id)
    const frames = framesOf(res.body)
    expect(idsOf(frames)).toEqual(frames.map((_, i) => i + 1))
    // Every data event of the upstream's is there, unchanged (its keep-alive comments are not recorded).
    const transcript = loadTranscript('deepseek-reasoner')
    expect(dataFrames(res.text)).toEqual(dataFrames(Buffer.from(transcript).toString('utf8')))
    expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
    expect(res.text).toContain('🤔')
    expect(res.text).toContain('reasoning_content')
    expect(res.text).toContain('"usage"')
  })

  test('cut after k events and resumed, for every k: byte-exact, consecutive ids, one upstream request each', async () => {
    const whole = await reference()
    const total = whole.length
    expect(total).toBeGreaterThan(150)
    const ks = Array.from({ length: total - 1 }, (_, i) => i + 1)
    const group = 16
    for (let at = 0; at < ks.length; at += group) {
      const before = emu.requests.length
      await Promise.all(
        ks.slice(at, at + group).map(async (k) => {
          const id = freshId()
          const first = framesOf((await startGeneration(relay.url, id, { token: ALICE, cutAfter: k })).body)
          expect(first.length).toBeGreaterThanOrEqual(k)
          const rest = framesOf(
            (await resumeGeneration(relay.url, id, { token: ALICE, lastEventId: first.length })).body,
          )
          const joined = [...first, ...rest]
          expect(idsOf(joined)).toEqual(whole.map((_, i) => i + 1))
          expect(Buffer.concat(joined).equals(Buffer.concat(whole))).toBe(true)
        }),
      )
      expect(emu.requests.length - before).toBe(Math.min(group, ks.length - at))
    }
  }, 120_000)

  test('a resumed reader follows live frames while the answer is still being generated', async () => {
    emu.setBehaviour(SLOW)
    const id = freshId()
    const first = framesOf((await startGeneration(relay.url, id, { token: ALICE, cutAfter: 2 })).body)
    const rest = await resumeGeneration(relay.url, id, { token: ALICE, lastEventId: first.length })
    // More than one read of the body: frames arrived while the reader was attached.
    expect(rest.chunks.length).toBeGreaterThan(2)
    expect(dataFrames(rest.text).at(-1)).toBe('[DONE]')
    expect(idsOf([...first, ...framesOf(rest.body)])[first.length]).toBe(first.length + 1)
  })

  test('a retried start with the same id attaches: no second upstream request, from Last-Event-ID or the start', async () => {
    emu.setBehaviour(SLOW)
    const id = freshId()
    const before = emu.requests.length
    const first = framesOf((await startGeneration(relay.url, id, { token: ALICE, cutAfter: 3 })).body)
    const again = await startGeneration(relay.url, id, { token: ALICE, lastEventId: first.length })
    expect(again.status).toBe(200)
    expect(again.headers['x-generation-id']).toBe(id)
    const fromStart = await startGeneration(relay.url, id, { token: ALICE })
    expect(emu.requests.length - before).toBe(1)
    const whole = framesOf(fromStart.body)
    expect(Buffer.concat([...first, ...framesOf(again.body)]).equals(Buffer.concat(whole))).toBe(true)
    expect(dataFrames(fromStart.text).at(-1)).toBe('[DONE]')
  })

  test('another caller cannot read, cancel or reuse the id; unknown ids are 404; malformed ids are 400', async () => {
    const id = freshId()
    await startGeneration(relay.url, id, { token: ALICE })
    const other = await resumeGeneration(relay.url, id, { token: BOB })
    expect(other.status).toBe(404)
    expect(JSON.parse(other.text)).toMatchObject({ error: { code: 'generation_not_found' } })
    expect((await cancelGeneration(relay.url, id, BOB)).status).toBe(404)
    const reuse = await startGeneration(relay.url, id, { token: BOB })
    expect(reuse.status).toBe(409)
    const unknown = await resumeGeneration(relay.url, freshId(), { token: ALICE })
    expect(unknown.status).toBe(404)
    expect(errorCode(unknown.text)).toBe('generation_not_found')
    for (const bad of ['short', 'has.dot.in.it', 'x'.repeat(65)]) {
      const header = await startGeneration(relay.url, bad, { token: ALICE })
      expect(header.status).toBe(400)
      expect(errorCode(header.text)).toBe('invalid_generation_id')
      const path = await resumeGeneration(relay.url, bad, { token: ALICE })
      expect(path.status).toBe(400)
      expect(errorCode(path.text)).toBe('invalid_generation_id')
    }
    const noAuth = await resumeGeneration(relay.url, id)
    expect(noAuth.status).toBe(401)
  })

  test('cancel: 200, the upstream request is closed, readers get a cancelled frame and no [DONE]', async () => {
    emu.setBehaviour(SLOW)
    const id = freshId()
    const at = emu.requests.length
    const reading = startGeneration(relay.url, id, { token: ALICE })
    await waitFor(() => (emu.requests[at]?.bytesSent ?? 0) > 500)
    const upstream = emu.requests[at]
    const cancel = await cancelGeneration(relay.url, id, ALICE)
    expect(cancel.status).toBe(200)
    expect(JSON.parse(cancel.text)).toEqual({ id, cancelled: true })
    await upstream?.closed
    expect(upstream?.aborted).toBe(true)
    const res = await reading
    const data = dataFrames(res.text)
    expect(data).not.toContain('[DONE]')
    expect(errorCode(data.at(-1) ?? '')).toBe('cancelled')
    const frames = framesOf(res.body)
    expect(idsOf(frames)).toEqual(frames.map((_, i) => i + 1))
    // Replayed the same way later; cancelling again says it had already ended.
    const replay = await resumeGeneration(relay.url, id, { token: ALICE })
    expect(replay.body.equals(res.body)).toBe(true)
    expect(JSON.parse((await cancelGeneration(relay.url, id, ALICE)).text)).toEqual({ id, cancelled: false })
  })

  test('retention: readable until the TTL after its end, then 404 (moved clock)', async () => {
    const id = freshId()
    await startGeneration(relay.url, id, { token: ALICE })
    offset += 59_000
    expect((await resumeGeneration(relay.url, id, { token: ALICE })).status).toBe(200)
    offset += 2_000
    expect((await resumeGeneration(relay.url, id, { token: ALICE })).status).toBe(404)
  })

  test('a generation nobody is attached to for the detached timeout is cancelled (moved clock)', async () => {
    emu.setBehaviour({ ...SLOW, chunkSize: 64, delayMs: 40 })
    const id = freshId()
    const at = emu.requests.length
    await startGeneration(relay.url, id, { token: ALICE, cutAfter: 1 })
    const upstream = emu.requests[at]
    // The relay sees the socket close a moment after the client closed it; the clock moves after that.
    await new Promise((r) => setTimeout(r, 300))
    // Still generating while detached for less than the timeout.
    offset += 20_000
    await new Promise((r) => setTimeout(r, 1100))
    expect(upstream?.aborted).toBe(false)
    offset += 11_000
    await upstream?.closed
    expect(upstream?.aborted).toBe(true)
    const replay = await resumeGeneration(relay.url, id, { token: ALICE })
    expect(errorCode(dataFrames(replay.text).at(-1) ?? '')).toBe('cancelled')
  })

  test('an upstream refusal before the commit keeps its status for the starter; readers get it as the error frame', async () => {
    emu.queueBehaviours({ status: 401 })
    const id = freshId()
    const res = await startGeneration(relay.url, id, { token: ALICE })
    expect(res.status).toBe(502)
    expect(errorCode(res.text)).toBe('upstream_auth_failed')
    const replay = await resumeGeneration(relay.url, id, { token: ALICE })
    expect(replay.status).toBe(200)
    expect(idsOf(framesOf(replay.body))).toEqual([1])
    expect(errorCode(dataFrames(replay.text)[0] ?? '')).toBe('upstream_auth_failed')
    const bad = await resumeGeneration(relay.url, id, { token: ALICE, lastEventId: Number.NaN })
    expect(bad.status).toBe(400)
  })

  test('without X-Generation-Id nothing changes: no ids, no echo, a client that leaves aborts the upstream', async () => {
    emu.setBehaviour(SLOW)
    const at = emu.requests.length
    const res = await chat(
      relay.url,
      userMessage('hi', { model: 'deepseek-reasoner' }),
      { Authorization: `Bearer ${ALICE}` },
      { abortWhen: (text) => dataFrames(text).length >= 2 },
    )
    expect(res.status).toBe(200)
    expect(res.headers['x-generation-id']).toBeUndefined()
    expect(res.text).not.toMatch(/^id:/m)
    const upstream = emu.requests[at]
    await upstream?.closed
    expect(upstream?.aborted).toBe(true)
  })
})

describe('resumable generations: caps and shutdown', () => {
  test('per caller and in all: 429 too_many_generations / relay_at_capacity; over the byte cap: generation_too_large', async () => {
    const local = await startUpstreamEmulator()
    local.setBehaviour(SLOW)
    const capped = await startGenerationRelay({
      UPSTREAM_BASE_URL: local.url,
      ...TOKENS,
      RELAY_GENERATIONS_PER_CALLER: '1',
      RELAY_MAX_GENERATIONS: '2',
    })
    try {
      const a = startGeneration(capped.url, freshId(), { token: ALICE })
      await waitFor(() => local.requests.length === 1)
      const second = await startGeneration(capped.url, freshId(), { token: ALICE })
      expect(second.status).toBe(429)
      expect(errorCode(second.text)).toBe('too_many_generations')
      const b = startGeneration(capped.url, freshId(), { token: BOB })
      await waitFor(() => local.requests.length === 2)
      // A third caller finds the relay full.
      const third = await startGeneration(capped.url, freshId(), { token: CAROL })
      expect(third.status).toBe(429)
      expect(errorCode(third.text)).toBe('relay_at_capacity')
      await Promise.all([a, b])
    } finally {
      await capped.close()
      await local.close()
    }
    const big = await startUpstreamEmulator()
    big.setBehaviour({ transcript: 'deepseek-reasoner', chunkSize: 512, delayMs: 5 })
    const small = await startGenerationRelay({
      UPSTREAM_BASE_URL: big.url,
      RELAY_GENERATION_MAX_BYTES: '4096',
    })
    try {
      const res = await startGeneration(small.url, freshId())
      const data = dataFrames(res.text)
      expect(errorCode(data.at(-1) ?? '')).toBe('generation_too_large')
      expect(data).not.toContain('[DONE]')
      await big.requests[0]?.closed
      expect(big.requests[0]?.aborted).toBe(true)
    } finally {
      await small.close()
      await big.close()
    }
  })

  test('a reader waiting for the next event gets keep-alive comments without an id, between whole frames', async () => {
    const local = await startUpstreamEmulator()
    local.setBehaviour({ transcript: 'openai-basic', chunkSize: 400, delayMs: 120 })
    const beating = await startGenerationRelay({ UPSTREAM_BASE_URL: local.url, RELAY_HEARTBEAT_MS: '30' })
    try {
      const id = freshId()
      const first = framesOf((await startGeneration(beating.url, id, { cutAfter: 1 })).body)
      const rest = await resumeGeneration(beating.url, id, { lastEventId: first.length })
      expect(rest.text).toContain(': keep-alive\n\n')
      // Comments only ever stand between frames, and never carry an id.
      const events = rest.text.split('\n\n').filter((event) => event !== '')
      for (const event of events) expect(event.startsWith('id: ') || /^(: [a-z-]+)$/.test(event)).toBe(true)
      expect(dataFrames(rest.text).at(-1)).toBe('[DONE]')
    } finally {
      await beating.close()
      await local.close()
    }
  })

  test('close() ends live generations with relay_shutting_down', async () => {
    const local = await startUpstreamEmulator()
    local.setBehaviour(SLOW)
    const closing = await startGenerationRelay({ UPSTREAM_BASE_URL: local.url })
    try {
      const reading = startGeneration(closing.url, freshId(), { cutAfter: 1000 })
      await waitFor(() => (local.requests[0]?.bytesSent ?? 0) > 300)
      await closing.close()
      const res = await reading
      expect(errorCode(dataFrames(res.text).at(-1) ?? '')).toBe('relay_shutting_down')
      expect(dataFrames(res.text)).not.toContain('[DONE]')
    } finally {
      await local.close()
    }
  })

  test('an open relay: a caller back from another address (Wi-Fi → 4G) resumes by the id; caps count per address', async () => {
    const local = await startUpstreamEmulator()
    local.setBehaviour(TRANSCRIPT)
    const open = await startGenerationRelay({
      UPSTREAM_BASE_URL: local.url,
      RELAY_TRUST_PROXY: 'loopback',
      RELAY_GENERATIONS_PER_CALLER: '1',
    })
    const from = (address: string) => ({ 'X-Forwarded-For': address })
    try {
      const id = freshId()
      const body = userMessage('为什么天空是蓝色的？', { model: 'deepseek-reasoner' })
      const wifi = await chat(
        open.url,
        body,
        { 'X-Generation-Id': id, ...from('203.0.113.5') },
        {
          abortWhen: (text) => frameCount(text) >= 3,
        },
      )
      const seen = framesOf(wifi.body).slice(0, 3)
      const mobile = await request(`${open.url}/v1/generations/${id}/stream`, {
        headers: { 'Last-Event-ID': '3', ...from('198.51.100.7') },
      })
      expect(mobile.status).toBe(200)
      const rest = framesOf(mobile.body)
      expect(idsOf([...seen, ...rest])).toEqual(
        rest
          .map((_, i) => i + 1)
          .concat([0, 0, 0])
          .map((_, i) => i + 1),
      )
      expect(dataFrames(mobile.text).at(-1)).toBe('[DONE]')
      expect(local.requests).toHaveLength(1)

      // The per-caller cap still counts addresses: one running answer each.
      local.setBehaviour(SLOW)
      const running = chat(open.url, body, { 'X-Generation-Id': freshId(), ...from('203.0.113.5') })
      await waitFor(() => local.requests.length === 2)
      const second = await chat(open.url, body, { 'X-Generation-Id': freshId(), ...from('203.0.113.5') })
      expect(errorCode(second.text)).toBe('too_many_generations')
      const other = chat(open.url, body, { 'X-Generation-Id': freshId(), ...from('198.51.100.7') })
      await waitFor(() => local.requests.length === 3)
      await Promise.all([running, other])
    } finally {
      await open.close()
      await local.close()
    }
  })
})
