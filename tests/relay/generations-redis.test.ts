import { Redis } from 'ioredis'
import { loadTranscript } from '../fixtures/transcripts'
import { startRedis } from '../support/redis-server'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import * as gen from './generation-helpers'
import { dataFrames, type TestRelay, waitFor } from './helpers'

// Two relay instances sharing one real Redis: a generation running on A is served by B, live.
const SLOW = { transcript: 'deepseek-reasoner', chunkSize: 256, delayMs: 8 }
const ENV = { RELAY_TOKENS: 'alice-token,bob-token' }
const ALICE = 'alice-token'

let redis: { url: string; stop(): Promise<void> }
let emu: UpstreamEmulator
let a: TestRelay
let b: TestRelay

beforeAll(async () => {
  redis = await startRedis()
  emu = await startUpstreamEmulator()
  const env = { ...ENV, UPSTREAM_BASE_URL: emu.url, REDIS_URL: redis.url, RELAY_GENERATION_TTL_MS: '60000' }
  a = await gen.startGenerationRelay(env)
  b = await gen.startGenerationRelay(env)
})

afterAll(async () => {
  await a.close()
  await b.close()
  await emu.close()
  await redis.stop()
})

beforeEach(() => emu.setBehaviour(SLOW))

/** Two more instances on the same upstream and Redis, with `extra` settings. */
async function pair(extra: Record<string, string>): Promise<[TestRelay, TestRelay]> {
  const env = { ...ENV, UPSTREAM_BASE_URL: emu.url, REDIS_URL: redis.url, ...extra }
  return [await gen.startGenerationRelay(env), await gen.startGenerationRelay(env)]
}

const freshId = gen.idMaker('redis')

describe('resumable generations across relay instances (Redis Streams)', () => {
  test('started on A, cut, resumed on B while live: byte-exact, consecutive ids, one upstream request', async () => {
    const id = freshId()
    const before = emu.requests.length
    const first = gen.framesOf((await gen.startGeneration(a.url, id, { token: ALICE, cutAfter: 5 })).body)
    const rest = await gen.resumeGeneration(b.url, id, { token: ALICE, lastEventId: first.length })
    expect(rest.status).toBe(200)
    expect(rest.headers['x-generation-id']).toBe(id)
    // Frames reached B while A was still generating.
    expect(rest.chunks.length).toBeGreaterThan(2)
    const joined = [...first, ...gen.framesOf(rest.body)]
    expect(gen.idsOf(joined)).toEqual(joined.map((_, i) => i + 1))
    const whole = gen.framesOf((await gen.resumeGeneration(a.url, id, { token: ALICE })).body)
    expect(Buffer.concat(joined).equals(Buffer.concat(whole))).toBe(true)
    expect(dataFrames(Buffer.concat(joined).toString('utf8'))).toEqual(
      dataFrames(Buffer.from(loadTranscript('deepseek-reasoner')).toString('utf8')),
    )
    // A retried start on B attaches to A's generation: still one upstream request.
    const retried = await gen.startGeneration(b.url, id, { token: ALICE, lastEventId: 10 })
    expect(gen.framesOf(retried.body).length).toBe(whole.length - 10)
    expect(emu.requests.length - before).toBe(1)
  })

  test('B refuses another caller and unknown ids with 404', async () => {
    const id = freshId()
    await gen.startGeneration(a.url, id, { token: ALICE })
    const other = await gen.resumeGeneration(b.url, id, { token: 'bob-token' })
    expect(other.status).toBe(404)
    expect(gen.errorCode(other.text)).toBe('generation_not_found')
    expect((await gen.resumeGeneration(b.url, freshId(), { token: ALICE })).status).toBe(404)
  })

  test('cancel on B stops the generation running on A: upstream closed, cancelled frame, no [DONE]', async () => {
    const id = freshId()
    const at = emu.requests.length
    const reading = gen.startGeneration(a.url, id, { token: ALICE })
    await waitFor(() => (emu.requests[at]?.bytesSent ?? 0) > 500)
    const cancel = await gen.cancelGeneration(b.url, id, ALICE)
    expect(JSON.parse(cancel.text)).toEqual({ id, cancelled: true })
    await emu.requests[at]?.closed
    expect(emu.requests[at]?.aborted).toBe(true)
    const res = await reading
    expect(dataFrames(res.text)).not.toContain('[DONE]')
    expect(gen.errorCode(dataFrames(res.text).at(-1) ?? '')).toBe('cancelled')
    const onB = await gen.resumeGeneration(b.url, id, { token: ALICE })
    expect(onB.body.equals(res.body)).toBe(true)
  })

  test('a reader on B keeps the generation running on A from being cancelled as detached', async () => {
    const [c, d] = await pair({ RELAY_DETACHED_TIMEOUT_MS: '800', RELAY_HEARTBEAT_MS: '100' })
    try {
      // About three seconds of answer, several detached timeouts long.
      emu.setBehaviour({ transcript: 'openai-basic', chunkSize: 64, delayMs: 20 })
      const id = freshId()
      const first = gen.framesOf((await gen.startGeneration(c.url, id, { token: ALICE, cutAfter: 1 })).body)
      const rest = await gen.resumeGeneration(d.url, id, { token: ALICE, lastEventId: first.length })
      expect(dataFrames(rest.text).at(-1)).toBe('[DONE]')
      // Nobody anywhere: cancelled after the timeout, as on one instance.
      const lonely = freshId()
      const at = emu.requests.length
      await gen.startGeneration(c.url, lonely, { token: ALICE, cutAfter: 1 })
      await emu.requests[at]?.closed
      expect(emu.requests[at]?.aborted).toBe(true)
    } finally {
      await c.close()
      await d.close()
    }
  })

  test('expiry: gone from Redis and 404 on both instances after the TTL', async () => {
    const [c, d] = await pair({ RELAY_GENERATION_TTL_MS: '300' })
    const client = new Redis(redis.url)
    try {
      emu.setBehaviour({ transcript: 'openai-basic', chunkSize: 4096, delayMs: 0 })
      const id = freshId()
      await gen.startGeneration(c.url, id, { token: ALICE })
      // The reader on C read C's mirror; Redis gets the frames in C's next write batch.
      let keys = 0
      for (let tries = 0; keys !== 2 && tries < 100; tries++) {
        keys = await client.exists(`relay:gen:{${id}}:frames`, `relay:gen:{${id}}:meta`)
      }
      expect(keys).toBe(2)
      expect((await gen.resumeGeneration(d.url, id, { token: ALICE })).status).toBe(200)
      let status = 200
      const until = Date.now() + 10_000
      while (status === 200 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100))
        status = (await gen.resumeGeneration(d.url, id, { token: ALICE })).status
      }
      expect(status).toBe(404)
      expect((await gen.resumeGeneration(c.url, id, { token: ALICE })).status).toBe(404)
      expect(await client.exists(`relay:gen:{${id}}:frames`, `relay:gen:{${id}}:meta`)).toBe(0)
    } finally {
      client.disconnect()
      await c.close()
      await d.close()
    }
  })
})
