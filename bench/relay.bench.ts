/**
 * Relay benchmark (issue 3): what the relay adds to every streamed event and to the
 * first byte, at 1, 100 and 1,000 concurrent streams, against the emitter directly and
 * against nginx as a plain streaming proxy, all in the same run; then resident memory
 * per idle open stream. Emitter, relay and nginx each run in their own process; the load
 * generator runs here. At 1,000 streams two extra rows: relay-2w runs the relay as two cluster
 * workers (RELAY_WORKERS=2, CPU summed over the processes), and node-floor is a bare Node TCP
 * forwarder (bench/relay/node-floor.ts), the least any Node relay can cost, so the relay's tail
 * can be told apart from the runtime's. The targets judge the single relay process.
 * Prints a table, then one JSON line last.
 */
import { cpus, loadavg } from 'node:os'
import { type LoadResult, runLoad } from './relay/client'
import { startNginx } from './relay/nginx'
import {
  type IdleMemory,
  idleMemory,
  latencyRuns,
  memoryLine,
  PATH,
  type Phase,
  type Target,
  waitQuiet,
} from './relay/phases'
import { type Child, firstJsonLine, httpJson, spawnTsx } from './relay/procs'
import { RELAY_TOKEN, startNodeFloor, startRelay } from './relay/relay-process'
import { type Added, added, HEADER, round, type Summary, summarize, summaryRow } from './relay/report'

// c=1 gets more events so its p99 is a percentile, not the single worst event. Streams are opened
// over rampMs (a real fleet does not open 1,000 streams in the same millisecond). Event latency
// counts only the steady window, when every stream of the phase is open: from steadyAfterMs (setup
// over) until the first stream ends (steadyUntilMs = events × interval). Events sent while streams
// are opened or closed are reported apart as "edges"; TTFB covers the setup. The 1,000-stream
// streams last 5 s so that window is 3 s long; with shorter ones most of it would be the ramp down,
// where what is measured is connection teardown at falling concurrency, not 1,000 streams.
// 50 ms between events is 20 tokens/s per stream, the slow end of what LLM APIs stream, so 1,000
// streams are 20,000 events/s through the proxy (RELAY_BENCH_INTERVAL_MS changes it).
const INTERVAL_MS = Number(process.env.RELAY_BENCH_INTERVAL_MS ?? 50)

/** A phase at INTERVAL_MS whose steady window ends when its first stream does. */
function phase(concurrency: number, events: number, rampMs: number, steadyAfterMs: number): Phase {
  const steadyUntilMs = events * INTERVAL_MS
  return { concurrency, events, intervalMs: INTERVAL_MS, rampMs, steadyAfterMs, steadyUntilMs }
}

const PHASES: Phase[] = [
  { concurrency: 1, events: 200, intervalMs: 5, rampMs: 0, steadyAfterMs: 0, steadyUntilMs: 1000 },
  phase(100, 40, 200, 700),
  phase(1000, 100, 1500, 2000),
]
// Five rounds: on a shared 2-core box one round's p99 moves by about ±1 ms for every target (the
// scheduler, not the proxy), and the median of three was still swung by a single bad round.
const ROUNDS = Number(process.env.RELAY_BENCH_ROUNDS ?? 5)
const IDLE_STREAMS = Number(process.env.RELAY_BENCH_IDLE ?? 5000)
// nginx stays as the reference row, but "≤ 2× nginx" is no longer a target: on a shared 2-core box a bare
// Node forwarder (the node-floor row) already sits at about that ratio.
const TARGETS = { p99AddedMsAt1000: 5, kbPerIdleStream: 60 }
// Below this, differences of p99s on a shared 2-core box are noise; the ratio's denominator never goes lower.
const RATIO_FLOOR_MS = 0.5

const children: { stop(): Promise<void> }[] = []

/** Prints the latency table and the added-latency lines; returns them as JSON-ready numbers. */
function latencyTable(
  runs: Map<string, LoadResult[]>,
  targets: Target[],
): Record<string, Record<string, unknown>> {
  console.log(
    'event latency: one-way, emitter write → client read, steady state: every stream open (edges p99: events\n' +
      `sent while streams were opened or closed); TTFB: request → first body byte; ${ROUNDS} rounds pooled; added = median over\n` +
      'rounds of (proxy − direct) percentiles; cpu: proxy process CPU per forwarded event',
  )
  console.log(HEADER)
  const latency: Record<string, Record<string, unknown>> = {}
  for (const phase of PHASES) {
    const c = phase.concurrency
    const by: Partial<Record<Target['name'], Summary>> = {}
    for (const target of targets) {
      if (target.only && !target.only.includes(c)) continue
      const summary = summarize(runs.get(`${target.name}:${c}`) ?? [], phase.events * c * ROUNDS)
      by[target.name] = summary
      console.log(summaryRow(target.name, c, summary))
    }
    const entry: Record<string, unknown> = { ...by }
    const runsOf = (name: Target['name']): LoadResult[] => runs.get(`${name}:${c}`) ?? []
    const nginxAdded = by.direct && by.nginx ? added(runsOf('nginx'), runsOf('direct')) : undefined
    const relayAdded = by.direct && by.relay ? added(runsOf('relay'), runsOf('direct')) : undefined
    // The cluster row (RELAY_WORKERS=2) is extra information; the targets judge the single process.
    const relay2wAdded = by.direct && by['relay-2w'] ? added(runsOf('relay-2w'), runsOf('direct')) : undefined
    const floorAdded =
      by.direct && by['node-floor'] ? added(runsOf('node-floor'), runsOf('direct')) : undefined
    Object.assign(entry, { nginxAdded, relayAdded, relay2wAdded, floorAdded })
    if (nginxAdded && floorAdded) {
      entry.floorRatioP99VsNginx = round(floorAdded.p99 / Math.max(nginxAdded.p99, RATIO_FLOOR_MS))
    }
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
    const cluster = entry.relay2wAdded ? `; ${show('relay2wAdded')}` : ''
    const floor = entry.floorAdded
      ? `; ${show('floorAdded')}, ratio p99 ${entry.floorRatioP99VsNginx ?? 'n/a'}`
      : ''
    console.log(
      `added at ${c} streams: ${show('relayAdded')}; ${show('nginxAdded')}; ratio p99 ${entry.ratioP99VsNginx ?? 'n/a'}${cluster}${floor}`,
    )
  }

  return latency
}

/** Targets met, and whether this host could measure them at all. */
function judge(latency: Record<string, Record<string, unknown>>, memory: Record<string, IdleMemory>) {
  const at1000 = latency['1000'] as { relayAdded?: { p99: number } } | undefined
  const met = {
    p99AddedAt1000: at1000?.relayAdded ? at1000.relayAdded.p99 <= TARGETS.p99AddedMsAt1000 : null,
    memory: memory.relay ? memory.relay.kbPerStream <= TARGETS.kbPerIdleStream : null,
  }
  // A verdict on "≤ 5 ms added" needs a box whose direct path stays well under 5 ms at p99; on a
  // saturated shared host the tails are scheduling noise, and CPU per event is the signal to trust.
  const direct1000 = (latency['1000']?.direct as Summary | undefined)?.p99 ?? Number.NaN
  const cpu1000 = (name: 'nginx' | 'relay'): number =>
    (latency['1000']?.[name] as Summary | undefined)?.cpuUsPerEvent ?? Number.NaN
  const verdict = {
    conclusive: direct1000 <= TARGETS.p99AddedMsAt1000,
    directP99At1000: direct1000,
    cpuRatioVsNginxAt1000: round(cpu1000('relay') / cpu1000('nginx')),
  }
  console.log(
    `verdict: latency targets ${verdict.conclusive ? 'measurable' : 'NOT conclusive on this host'} ` +
      `(direct p99 at 1000 streams ${direct1000} ms); relay CPU per event ${verdict.cpuRatioVsNginxAt1000}× nginx's`,
  )
  return { met, verdict }
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
  // The same relay as two cluster workers (RELAY_WORKERS=2), at 1,000 streams only, as an extra row.
  const relay2w = await startRelay(emitterPort, { RELAY_WORKERS: '2' })
  if (typeof relay2w === 'string') notices.push(`relay-2w skipped: ${relay2w}`)
  else {
    children.push(relay2w.child)
    const pid = relay2w.child.pid
    targets.push({ name: 'relay-2w', url: relay2w.url, headers: auth, pid: () => pid, only: [1000] })
  }
  // The floor of any Node relay, at 1,000 streams only, as an extra row.
  const floor = await startNodeFloor(emitterPort)
  if (typeof floor === 'string') notices.push(`node-floor skipped: ${floor}`)
  else {
    children.push(floor.child)
    const pid = floor.child.pid
    targets.push({ name: 'node-floor', url: floor.url, pid: () => pid, only: [1000] })
  }
  for (const notice of notices) console.log(notice)

  // Warm-up at full size: JIT, and connection pools (the relay's and nginx's upstream keepalive)
  // as large as the biggest phase, so round 1 does not pay connects the other rounds do not.
  const widest = Math.max(...PHASES.map((p) => p.concurrency))
  for (const target of targets) {
    await httpJson(emitterPort, 'POST', '/__bench/mode', { events: 5, intervalMs: 20, idle: false })
    await runLoad({
      url: target.url + PATH,
      concurrency: widest,
      rampMs: 1500,
      timeoutMs: 20_000,
      headers: target.headers,
    })
    await waitQuiet(emitterPort, 3000)
  }
  const runs = await latencyRuns(emitterPort, targets, PHASES, ROUNDS)

  const latency = latencyTable(runs, targets)
  if (typeof relay2w !== 'string') await relay2w.child.stop()
  if (typeof floor !== 'string') await floor.child.stop()

  const memory: Record<string, IdleMemory> = {}
  if (typeof nginx !== 'string') {
    memory.nginx = await idleMemory(
      emitterPort,
      { name: 'nginx', url: nginx.url },
      () => nginx.workerPid(),
      IDLE_STREAMS,
    )
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
        IDLE_STREAMS,
      )
      console.log(memoryLine('relay', memory.relay))
    }
  }

  const { met, verdict } = judge(latency, memory)
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
    verdict,
  }
}

// A killed bench must not leave nginx or the relay running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    Promise.all(children.map((child) => child.stop())).finally(() => process.exit(1))
  })
}

main()
  .catch((error: Error) => ({ benchmark: 'relay', error: error.message }))
  .then(async (result) => {
    for (const child of children.reverse()) await child.stop()
    console.log(JSON.stringify(result))
    process.exit(0)
  })
