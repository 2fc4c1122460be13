/**
 * Relay benchmark (issue 3): what the relay adds to every streamed event and to the
 * first byte, at 1, 100 and 1,000 concurrent streams, against the emitter directly and
 * against nginx as a plain streaming proxy, all in the same run; then resident memory
 * per idle open stream. Emitter, relay and nginx each run in their own process; the load
 * generator runs here. Prints a table, then one JSON line last.
 */
import { cpus, loadavg } from 'node:os'
import { type LoadResult, openIdle, runLoad } from './relay/client'
import { startNginx } from './relay/nginx'
import {
  type Child,
  cpuMs,
  firstJsonLine,
  httpJson,
  listenDrops,
  rssKb,
  sleep,
  spawnTsx,
} from './relay/procs'
import { RELAY_TOKEN, startRelay } from './relay/relay-process'
import { type Added, added, HEADER, round, type Summary, summarize, summaryRow } from './relay/report'

interface Target {
  name: 'direct' | 'nginx' | 'relay'
  url: string
  headers?: Record<string, string>
  /** The proxy process whose CPU time is charged to the run (none for the direct path). */
  pid?: () => number
}

interface Phase {
  concurrency: number
  events: number
  intervalMs: number
  rampMs: number
  steadyAfterMs: number
}

// c=1 gets more events so its p99 is a percentile, not the single worst event. Streams are opened
// over rampMs (a real fleet does not open 1,000 streams in the same millisecond); event latency
// counts events sent from steadyAfterMs on, once setup work is over, and TTFB covers the setup.
const PHASES: Phase[] = [
  { concurrency: 1, events: 200, intervalMs: 10, rampMs: 0, steadyAfterMs: 0 },
  { concurrency: 100, events: 40, intervalMs: 50, rampMs: 200, steadyAfterMs: 700 },
  { concurrency: 1000, events: 60, intervalMs: 50, rampMs: 1500, steadyAfterMs: 2000 },
]
const ROUNDS = Number(process.env.RELAY_BENCH_ROUNDS ?? 3)
const IDLE_STREAMS = Number(process.env.RELAY_BENCH_IDLE ?? 5000)
const TARGETS = { p99AddedMsAt1000: 5, ratioVsNginx: 2, kbPerIdleStream: 60 }
// Below this, differences of p99s on a shared 2-core box are noise; the ratio's denominator never goes lower.
const RATIO_FLOOR_MS = 0.5
const PATH = '/v1/chat/completions'

const children: { stop(): Promise<void> }[] = []

async function waitQuiet(emitterPort: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let open = 0
  do {
    open = (await httpJson<{ open: number }>(emitterPort, 'GET', '/__bench/stats')).open
    if (open === 0) return 0
    await sleep(100)
  } while (Date.now() < deadline)
  return open
}

async function latencyRuns(emitterPort: number, targets: Target[]): Promise<Map<string, LoadResult[]>> {
  const runs = new Map<string, LoadResult[]>()
  for (let round = 0; round < ROUNDS; round++) {
    for (const phase of PHASES) {
      // Rotate the order each round so no target always runs on a box warmed by the previous one.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!)
      for (const target of order) {
        await httpJson(emitterPort, 'POST', '/__bench/mode', { ...phase, idle: false })
        const timeoutMs = phase.rampMs + phase.events * phase.intervalMs + 15_000
        const cpuBefore = target.pid ? cpuMs(target.pid()) : 0
        const dropsBefore = listenDrops()
        const result = await runLoad({ url: target.url + PATH, ...phase, timeoutMs, headers: target.headers })
        result.listenDrops = listenDrops() - dropsBefore
        if (target.pid) result.proxyCpuMs = cpuMs(target.pid()) - cpuBefore
        const key = `${target.name}:${phase.concurrency}`
        runs.set(key, [...(runs.get(key) ?? []), result])
        await waitQuiet(emitterPort, 3000)
      }
    }
  }
  return runs
}

interface IdleMemory {
  streams: number
  rssBeforeKb: number
  rssAfterKb: number
  kbPerStream: number
  upstreamStillOpenAfterClose: number
  /** How long until the emitter saw every upstream stream closed after the clients left. */
  upstreamClosedMs: number
  errors: string[]
}

async function idleMemory(emitterPort: number, target: Target, pid: () => number): Promise<IdleMemory> {
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
    concurrency: IDLE_STREAMS,
    rampMs: IDLE_STREAMS / 2,
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

function memoryLine(name: string, m: IdleMemory): string {
  return `${name}: ${m.streams} idle streams, RSS ${m.rssBeforeKb} → ${m.rssAfterKb} KB = ${m.kbPerStream} KB/stream; all upstream streams closed ${m.upstreamClosedMs} ms after the clients left (${m.upstreamStillOpenAfterClose} still open)${m.errors.length ? `; errors: ${m.errors.join(' | ')}` : ''}`
}

async function main(): Promise<Record<string, unknown>> {
  const loadAtStart = loadavg()[0] ?? 0
  const emitter: Child = spawnTsx('bench/relay/emitter.ts')
  children.push(emitter)
  const { port: emitterPort } = await firstJsonLine<{ port: number }>(emitter)
  const targets: Target[] = [{ name: 'direct', url: `http://127.0.0.1:${emitterPort}` }]
  const notices: string[] = []

  const nginx = await startNginx(emitterPort)
  if (typeof nginx === 'string') notices.push(`nginx skipped: ${nginx}`)
  else {
    children.push(nginx)
    targets.push({ name: 'nginx', url: nginx.url, pid: () => nginx.workerPid() })
  }
  const auth = { authorization: `Bearer ${RELAY_TOKEN}` }
  let relay = await startRelay(emitterPort)
  if (typeof relay === 'string') notices.push(`relay skipped: ${relay}`)
  else {
    children.push(relay.child)
    const pid = relay.child.pid
    targets.push({ name: 'relay', url: relay.url, headers: auth, pid: () => pid })
  }
  for (const notice of notices) console.log(notice)

  // Warm-up: JIT, connection pools, nginx upstream keepalive.
  for (const target of targets) {
    await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 5, intervalMs: 5, idle: false })
    await runLoad({
      url: target.url + PATH,
      concurrency: 50,
      rampMs: 50,
      timeoutMs: 10_000,
      headers: target.headers,
    })
  }
  const runs = await latencyRuns(emitterPort, targets)

  console.log(
    'event latency: one-way, emitter write → client read, steady state (ramp p99: events sent while streams\n' +
      `were still being opened); TTFB: request → first body byte; ${ROUNDS} rounds pooled; added = median over\n` +
      'rounds of (proxy − direct) percentiles; cpu: proxy process CPU per forwarded event',
  )
  console.log(HEADER)
  const latency: Record<string, Record<string, unknown>> = {}
  for (const phase of PHASES) {
    const c = phase.concurrency
    const by: Partial<Record<Target['name'], Summary>> = {}
    for (const target of targets) {
      const summary = summarize(runs.get(`${target.name}:${c}`) ?? [], phase.events * c * ROUNDS)
      by[target.name] = summary
      console.log(summaryRow(target.name, c, summary))
    }
    const entry: Record<string, unknown> = { ...by }
    const runsOf = (name: Target['name']): LoadResult[] => runs.get(`${name}:${c}`) ?? []
    const nginxAdded = by.direct && by.nginx ? added(runsOf('nginx'), runsOf('direct')) : undefined
    const relayAdded = by.direct && by.relay ? added(runsOf('relay'), runsOf('direct')) : undefined
    Object.assign(entry, { nginxAdded, relayAdded })
    if (nginxAdded && relayAdded) {
      entry.ratioP99VsNginx = round(relayAdded.p99 / Math.max(nginxAdded.p99, RATIO_FLOOR_MS))
    }
    latency[String(c)] = entry
  }
  for (const [c, entry] of Object.entries(latency)) {
    const show = (name: string): string => {
      const a = entry[name] as Added | undefined
      return a
        ? `${name} p50 +${a.p50} p99 +${a.p99} ttfb p50 +${a.ttfbP50} p99 +${a.ttfbP99} ms`
        : `${name} n/a`
    }
    console.log(
      `added at ${c} streams: ${show('relayAdded')}; ${show('nginxAdded')}; ratio p99 ${entry.ratioP99VsNginx ?? 'n/a'}`,
    )
  }

  const memory: Record<string, IdleMemory> = {}
  if (typeof nginx !== 'string') {
    memory.nginx = await idleMemory(emitterPort, { name: 'nginx', url: nginx.url }, () => nginx.workerPid())
    console.log(memoryLine('nginx worker', memory.nginx))
  }
  if (typeof relay !== 'string') {
    // A fresh relay: the latency runs grew its heap, which would hide the per-stream cost.
    await relay.child.stop()
    relay = await startRelay(emitterPort)
    if (typeof relay === 'string') notices.push(`relay memory skipped: ${relay}`)
    else {
      children.push(relay.child)
      const pid = relay.child.pid
      memory.relay = await idleMemory(
        emitterPort,
        { name: 'relay', url: relay.url, headers: auth },
        () => pid,
      )
      console.log(memoryLine('relay', memory.relay))
    }
  }

  const at1000 = latency['1000'] as { relayAdded?: { p99: number }; ratioP99VsNginx?: number } | undefined
  const met = {
    p99AddedAt1000: at1000?.relayAdded ? at1000.relayAdded.p99 <= TARGETS.p99AddedMsAt1000 : null,
    ratioVsNginx:
      at1000?.ratioP99VsNginx !== undefined ? at1000.ratioP99VsNginx <= TARGETS.ratioVsNginx : null,
    memory: memory.relay ? memory.relay.kbPerStream <= TARGETS.kbPerIdleStream : null,
  }
  // The host is shared: its load says how much of the latency tail is other work.
  const loadAverage = { start: round(loadAtStart), end: round(loadavg()[0] ?? 0), cores: cpus().length }
  console.log(`host load average ${loadAverage.start} → ${loadAverage.end} on ${loadAverage.cores} cores`)
  return {
    benchmark: 'relay',
    unit: 'ms',
    rounds: ROUNDS,
    phases: PHASES,
    loadAverage,
    notices,
    latency,
    memory,
    targets: TARGETS,
    met,
  }
}

main()
  .catch((error: Error) => ({ benchmark: 'relay', error: error.message }))
  .then(async (result) => {
    for (const child of children.reverse()) await child.stop()
    console.log(JSON.stringify(result))
    process.exit(0)
  })
