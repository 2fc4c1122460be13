/**
 * The two measurements of the relay benchmark: event latency under load (every target, every
 * phase, several rounds) and resident memory per idle stream.
 */
import { type LoadResult, openIdle, runLoad } from './client'
import { httpJson, listenDrops, rssKb, sleep, treeCpuMs } from './procs'
import { round } from './report'

/** The endpoint every target serves. */
export const PATH = '/v1/chat/completions'

/** Where the load goes: the emitter itself, nginx, the relay, or an extra row (see relay.bench.ts). */
export interface Target {
  name:
    | 'direct'
    | 'nginx'
    | 'relay'
    | 'relay-2w'
    | 'node-floor'
    | 'resumable'
    | 'redis-relay'
    | 'resumable-redis'
  url: string
  /** Only these concurrencies (all when absent): extra rows that would lengthen the run. */
  only?: number[]
  headers?: Record<string, string>
  /** Per-stream headers (a resumable stream's own X-Generation-Id). */
  headersOf?: (i: number) => Record<string, string>
  /** The proxy process whose CPU time is charged to the run (none for the direct path). */
  pid?: () => number
}

/** One concurrency level (see PHASES in relay.bench.ts). */
export interface Phase {
  concurrency: number
  events: number
  intervalMs: number
  rampMs: number
  steadyAfterMs: number
  /** When the first stream ends: events sent later are not steady state (see LoadOptions). */
  steadyUntilMs: number
}

/** Waits until the emitter has no open stream; returns how many are still open at the timeout. */
export async function waitQuiet(emitterPort: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let open = 0
  do {
    open = (await httpJson<{ open: number }>(emitterPort, 'GET', '/__bench/stats')).open
    if (open === 0) return 0
    await sleep(100)
  } while (Date.now() < deadline)
  return open
}

/** Runs every phase against every target, `rounds` times; results keyed `target:concurrency`, one per round. */
export async function latencyRuns(
  emitterPort: number,
  targets: Target[],
  phases: Phase[],
  rounds: number,
): Promise<Map<string, LoadResult[]>> {
  const runs = new Map<string, LoadResult[]>()
  for (let round = 0; round < rounds; round++) {
    for (const phase of phases) {
      // Rotate the order each round so no target always runs on a box warmed by the previous one.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!)
      for (const target of order) {
        if (target.only && !target.only.includes(phase.concurrency)) continue
        await httpJson(emitterPort, 'POST', '/__bench/mode', { ...phase, idle: false })
        const timeoutMs = phase.rampMs + phase.events * phase.intervalMs + 15_000
        const cpuBefore = target.pid ? treeCpuMs(target.pid()) : 0
        const dropsBefore = listenDrops()
        const result = await runLoad({
          url: target.url + PATH,
          ...phase,
          timeoutMs,
          headers: target.headers,
          headersOf: target.headersOf,
        })
        result.listenDrops = listenDrops() - dropsBefore
        if (target.pid) result.proxyCpuMs = treeCpuMs(target.pid()) - cpuBefore
        const key = `${target.name}:${phase.concurrency}`
        runs.set(key, [...(runs.get(key) ?? []), result])
        await waitQuiet(emitterPort, 3000)
      }
    }
  }
  return runs
}

/** Resident memory of a proxy holding idle streams open. */
export interface IdleMemory {
  streams: number
  rssBeforeKb: number
  rssAfterKb: number
  kbPerStream: number
  upstreamStillOpenAfterClose: number
  /** How long until the emitter saw every upstream stream closed after the clients left. */
  upstreamClosedMs: number
  errors: string[]
}

/** Opens `streams` idle streams through the target and measures the growth of `pid`'s RSS. */
export async function idleMemory(
  emitterPort: number,
  target: Target,
  pid: () => number,
  streams: number,
): Promise<IdleMemory> {
  // Warm the code paths first so the baseline is not a cold process.
  await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 3, intervalMs: 5, idle: false })
  await runLoad({
    url: target.url + PATH,
    concurrency: 20,
    rampMs: 0,
    timeoutMs: 10_000,
    headers: target.headers,
  })
  await httpJson(emitterPort, 'POST', '/__bench/mode', { idle: true })
  await sleep(500)
  const rssBeforeKb = rssKb(pid())
  const idle = await openIdle({
    url: target.url + PATH,
    concurrency: streams,
    rampMs: streams / 2,
    timeoutMs: 30_000,
    headers: target.headers,
  })
  await sleep(1000)
  const rssAfterKb = rssKb(pid())
  const closedAt = Date.now()
  idle.close()
  const upstreamStillOpenAfterClose = await waitQuiet(emitterPort, 20_000)
  const upstreamClosedMs = Date.now() - closedAt
  return {
    streams: idle.open,
    rssBeforeKb,
    rssAfterKb,
    kbPerStream: round((rssAfterKb - rssBeforeKb) / Math.max(1, idle.open)),
    upstreamStillOpenAfterClose,
    upstreamClosedMs,
    errors: idle.errors.slice(0, 5),
  }
}

/** One human-readable line for an idle-memory result. */
export function memoryLine(name: string, m: IdleMemory): string {
  return `${name}: ${m.streams} idle streams, RSS ${m.rssBeforeKb} → ${m.rssAfterKb} KB = ${m.kbPerStream} KB/stream; all upstream streams closed ${m.upstreamClosedMs} ms after the clients left (${m.upstreamStillOpenAfterClose} still open)${m.errors.length ? `; errors: ${m.errors.join(' | ')}` : ''}`
}
