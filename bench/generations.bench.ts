/**
 * Resumable generations bench (issue 15), every number against a baseline of the same run:
 * - added p99 per event of a resumable stream (X-Generation-Id: recorded, numbered, read back from the
 *   store) vs a plain stream through the same relay process, at 100 and 1,000 streams × 20 events/s,
 *   with the memory store and with Redis (one redis-server on loopback);
 * - reattach → first replayed byte (p50 / p99), and replay throughput of a finished 1 MB generation;
 * - Redis round trips per event (MONITOR, commands grouped into the pipelines that carried them);
 * - memory per retained (finished) generation, in-process.
 * Emitter, relays and Redis each run in their own process; the load generator runs here.
 * Bounded: RELAY_BENCH_ROUNDS (default 3) rounds of two phases, ~3 minutes. Prints a table, then one JSON line.
 */
import { cpus, loadavg } from 'node:os'
import { createRelay, loadConfig } from '../relay/src/index'
import { startRedis } from '../tests/support/redis-server'
import { finishGenerations, reattachLatency, redisRoundTrips, replayThroughput } from './generations/measure'
import { type LoadResult, runLoad } from './relay/client'
import { latencyRuns, PATH, type Phase, type Target } from './relay/phases'
import { type Child, firstJsonLine, httpJson, spawnTsx } from './relay/procs'
import { RELAY_TOKEN, type RelayProcess, startRelay } from './relay/relay-process'
import { added, HEADER, round, summarize, summaryRow } from './relay/report'

const INTERVAL_MS = 50
const PHASES: Phase[] = [
  {
    concurrency: 100,
    events: 40,
    intervalMs: INTERVAL_MS,
    rampMs: 200,
    steadyAfterMs: 700,
    steadyUntilMs: 2000,
  },
  {
    concurrency: 1000,
    events: 100,
    intervalMs: INTERVAL_MS,
    rampMs: 1500,
    steadyAfterMs: 2000,
    steadyUntilMs: 5000,
  },
]
const ROUNDS = Number(process.env.RELAY_BENCH_ROUNDS ?? 3)
const TARGETS = { ratioP99: 1.5, addedP99Ms: 10, reattachP99Ms: 20, roundTripsPerEvent: 1 }
/** Below this a difference of p99s is scheduler noise on a shared 2-core box: the ratio's floor. */
const RATIO_FLOOR_MS = 0.5
/** The relays keep every bench generation: no caps in the way, retention long enough for the replay rows. */
const GENERATION_ENV = {
  RELAY_GENERATIONS_PER_CALLER: '1000000',
  RELAY_MAX_GENERATIONS: '1000000',
  RELAY_GENERATION_TTL_MS: '120000',
}

const children: { stop(): Promise<void> }[] = []
let generation = 0
/** A fresh X-Generation-Id per stream. */
const resumable = (): Record<string, string> => ({
  'X-Generation-Id': `bench_${process.pid}_${++generation}`,
})

function started(relay: RelayProcess | string): RelayProcess {
  if (typeof relay === 'string') throw new Error(relay)
  children.push(relay.child)
  return relay
}

/** Resumable vs plain at each concurrency: added over direct for both, and their ratio. */
function compare(runs: Map<string, LoadResult[]>, targets: Target[]) {
  console.log(
    `event latency (ms), steady state, ${ROUNDS} rounds pooled; added = median over rounds of (target − direct)`,
  )
  console.log(HEADER)
  const out: Record<string, unknown> = {}
  for (const phase of PHASES) {
    const c = phase.concurrency
    const runsOf = (name: string): LoadResult[] => runs.get(`${name}:${c}`) ?? []
    for (const target of targets) {
      console.log(summaryRow(target.name, c, summarize(runsOf(target.name), phase.events * c * ROUNDS)))
    }
    const entry: Record<string, unknown> = {}
    for (const [store, plain, resumed] of [
      ['memory', 'relay', 'resumable'],
      ['redis', 'redis-relay', 'resumable-redis'],
    ] as const) {
      const plainAdded = added(runsOf(plain), runsOf('direct'))
      const resumableAdded = added(runsOf(resumed), runsOf('direct'))
      const ratio = round(resumableAdded.p99 / Math.max(plainAdded.p99, RATIO_FLOOR_MS))
      const p99 = summarize(runsOf(resumed), 0).p99
      entry[store] = { plainAdded, resumableAdded, ratioP99: ratio, resumableP99: p99 }
      console.log(
        `${c} streams, ${store} store: added p99 plain +${plainAdded.p99} ms, resumable +${resumableAdded.p99} ms → ${ratio}× plain (resumable p99 ${p99} ms)`,
      )
    }
    out[String(c)] = entry
  }
  return out
}

/** Memory per finished generation kept for its TTL, measured in this process (heap + buffers). */
async function retainedMemory(emitterPort: number, count: number): Promise<Record<string, number>> {
  await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 100, intervalMs: 0, idle: false })
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    UPSTREAM_BASE_URL: `http://127.0.0.1:${emitterPort}/v1`,
    RELAY_MODELS: 'bench',
    RELAY_TOKENS: RELAY_TOKEN,
    RELAY_MAX_CONNECTIONS_PER_IP: '0',
    ...GENERATION_ENV,
  })
  const relay = await createRelay(config, { logSink: () => undefined })
  const ids = Array.from({ length: count }, () => resumable()['X-Generation-Id'] as string)
  // Warm up (code paths, pools) before the baseline.
  await finishGenerations(
    relay.url,
    RELAY_TOKEN,
    ids.slice(0, 20).map((id) => `${id}_warm`),
  )
  const used = (): number => {
    globalThis.gc?.()
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers
  }
  const before = used()
  const bytes = await finishGenerations(relay.url, RELAY_TOKEN, ids)
  await new Promise((r) => setTimeout(r, 200))
  const after = used()
  await relay.close()
  const perGeneration = (after - before) / count
  return {
    generations: count,
    eventsEach: 100,
    recordedKbEach: round(bytes / count / 1024),
    kbPerGeneration: round(perGeneration / 1024),
    overheadRatio: round(perGeneration / (bytes / count)),
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0
  const emitter: Child = spawnTsx('bench/relay/emitter.ts')
  children.push(emitter)
  const { port: emitterPort } = await firstJsonLine<{ port: number }>(emitter)
  const redis = await startRedis()
  children.push(redis)
  const memoryRelay = started(await startRelay(emitterPort, GENERATION_ENV))
  const redisRelay = started(await startRelay(emitterPort, { ...GENERATION_ENV, REDIS_URL: redis.url }))
  const auth = { authorization: `Bearer ${RELAY_TOKEN}` }
  /** A relay's two rows: plain streams and resumable ones, through the same process. */
  const rows = (plain: Target['name'], resumed: Target['name'], relay: RelayProcess): Target[] => [
    { name: plain, url: relay.url, headers: auth, pid: () => relay.child.pid },
    { name: resumed, url: relay.url, headers: auth, headersOf: resumable, pid: () => relay.child.pid },
  ]
  const targets: Target[] = [
    { name: 'direct', url: `http://127.0.0.1:${emitterPort}` },
    ...rows('relay', 'resumable', memoryRelay),
    ...rows('redis-relay', 'resumable-redis', redisRelay),
  ]
  // Warm every path at full size once, unmeasured.
  await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 5, intervalMs: 20, idle: false })
  for (const target of targets) {
    const { headers, headersOf } = target
    await runLoad({
      url: target.url + PATH,
      concurrency: 1000,
      rampMs: 1000,
      timeoutMs: 20_000,
      headers,
      headersOf,
    })
  }
  const runs = await latencyRuns(emitterPort, targets, PHASES, ROUNDS)
  const latency = compare(runs, targets)

  // Reattach and replay: finished generations of 100 events (~20 KB), then one of ~1 MB.
  await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 100, intervalMs: 0, idle: false })
  const reattach: Record<string, unknown> = {}
  const replay: Record<string, unknown> = {}
  for (const [store, relay] of [
    ['memory', memoryRelay],
    ['redis', redisRelay],
  ] as const) {
    const ids = Array.from({ length: 200 }, () => resumable()['X-Generation-Id'] as string)
    await finishGenerations(relay.url, RELAY_TOKEN, ids)
    reattach[store] = await reattachLatency(relay.url, RELAY_TOKEN, ids)
  }
  await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 6000, intervalMs: 0, idle: false })
  for (const [store, relay] of [
    ['memory', memoryRelay],
    ['redis', redisRelay],
  ] as const) {
    const id = resumable()['X-Generation-Id'] as string
    await finishGenerations(relay.url, RELAY_TOKEN, [id])
    replay[store] = await replayThroughput(relay.url, RELAY_TOKEN, id)
  }
  console.log(`reattach → first replayed byte (ms): ${JSON.stringify(reattach)}`)
  console.log(`replay of a finished generation: ${JSON.stringify(replay)}`)

  // Round trips: 100 resumable streams × 40 events through the Redis relay, under MONITOR.
  await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 40, intervalMs: INTERVAL_MS, idle: false })
  const roundTrips = await redisRoundTrips(redis.url, async () => {
    await runLoad({
      url: redisRelay.url + PATH,
      concurrency: 100,
      rampMs: 200,
      timeoutMs: 20_000,
      headers: auth,
      headersOf: resumable,
    })
  })
  console.log(`redis round trips per event: ${JSON.stringify(roundTrips)}`)

  const memory = await retainedMemory(emitterPort, 500)
  console.log(`memory per retained generation: ${JSON.stringify(memory)}`)

  const at1000 = latency['1000'] as Record<string, { ratioP99: number; resumableAdded: { p99: number } }>
  const verdict = {
    memoryRatioP99At1000: at1000.memory?.ratioP99,
    redisRatioP99At1000: at1000.redis?.ratioP99,
    ratioMet: Object.values(at1000).every((s) => s.ratioP99 <= TARGETS.ratioP99),
    addedMet: Object.values(at1000).every((s) => s.resumableAdded.p99 <= TARGETS.addedP99Ms),
    reattachMet: Object.values(reattach).every((r) => (r as { p99: number }).p99 <= TARGETS.reattachP99Ms),
    roundTripsMet: roundTrips.writesPerEvent <= TARGETS.roundTripsPerEvent,
  }
  console.log(`verdict: ${JSON.stringify(verdict)}`)
  const load = { start: round(loadAtStart), end: round(loadavg()[0] ?? 0), cores: cpus().length }
  console.log(
    JSON.stringify({ latency, reattach, replay, roundTrips, memory, verdict, targets: TARGETS, load }),
  )
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(async () => {
    for (const child of children) await child.stop()
  })
