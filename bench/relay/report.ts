/**
 * Numbers for the relay benchmark: percentiles of a load run and the human-readable table.
 */
import type { LoadResult } from './client'

/** Percentiles (ms) and counts of one target at one concurrency. */
export interface Summary {
  p50: number
  p99: number
  ttfbP50: number
  ttfbP99: number
  events: number
  expectedEvents: number
  /** p99 of each round alone: how much the pooled p99 owes to one noisy round. */
  p99ByRound: number[]
  /** p99 of the events sent while streams were being opened or closed (not in p50/p99). */
  p99Edges: number
  /** Proxy CPU per forwarded event, µs (null for the direct path): load-independent efficiency. */
  cpuUsPerEvent: number | null
  listenDrops: number
  errors: string[]
}

/** Nearest-rank percentile of an unsorted list (NaN for an empty one). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

/** Rounds to 0.01 ms so the JSON line stays readable. */
export function round(value: number): number {
  return Math.round(value * 100) / 100
}

/** Pools several runs of one target into one summary. */
export function summarize(runs: LoadResult[], expectedEvents: number): Summary {
  const latencies = runs.flatMap((run) => run.latencies)
  const ttfb = runs.flatMap((run) => run.ttfb)
  const events = runs.reduce((sum, run) => sum + run.events, 0)
  const cpu = runs.some((run) => run.proxyCpuMs !== undefined)
    ? runs.reduce((sum, run) => sum + (run.proxyCpuMs ?? 0), 0)
    : null
  return {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    ttfbP50: round(percentile(ttfb, 50)),
    ttfbP99: round(percentile(ttfb, 99)),
    events,
    expectedEvents,
    p99ByRound: runs.map((run) => round(percentile(run.latencies, 99))),
    p99Edges: round(
      percentile(
        runs.flatMap((run) => run.edgeLatencies),
        99,
      ),
    ),
    cpuUsPerEvent: cpu === null ? null : round((cpu * 1000) / Math.max(1, events)),
    listenDrops: runs.reduce((sum, run) => sum + (run.listenDrops ?? 0), 0),
    errors: [...new Set(runs.flatMap((run) => run.errors))].slice(0, 5),
  }
}

/** Added milliseconds of a proxy over the direct path. */
export interface Added {
  p50: number
  p99: number
  ttfbP50: number
  ttfbP99: number
}

function median(values: number[]): number {
  return percentile(values, 50)
}

/**
 * What a proxy adds over the direct path: per round, the difference of percentiles (events
 * cannot be paired across paths), then the median over rounds. Rounds run proxy and direct
 * back to back, so a burst of background load on the shared box hits one round, not the result.
 */
export function added(proxy: LoadResult[], direct: LoadResult[]): Added {
  const diffs = { p50: [] as number[], p99: [] as number[], ttfbP50: [] as number[], ttfbP99: [] as number[] }
  for (let i = 0; i < Math.min(proxy.length, direct.length); i++) {
    const a = summarize([proxy[i]!], 0)
    const b = summarize([direct[i]!], 0)
    diffs.p50.push(a.p50 - b.p50)
    diffs.p99.push(a.p99 - b.p99)
    diffs.ttfbP50.push(a.ttfbP50 - b.ttfbP50)
    diffs.ttfbP99.push(a.ttfbP99 - b.ttfbP99)
  }
  return {
    p50: round(median(diffs.p50)),
    p99: round(median(diffs.p99)),
    ttfbP50: round(median(diffs.ttfbP50)),
    ttfbP99: round(median(diffs.ttfbP99)),
  }
}

/** One aligned table row. */
export function row(cells: (string | number)[]): string {
  const text = (cell: string | number): string => (Number.isNaN(cell) ? '-' : String(cell))
  return cells.map((cell, i) => (i === 0 ? text(cell).padEnd(10) : text(cell).padStart(11))).join(' ')
}

/** Table header matching `summaryRow`. */
export const HEADER = row([
  'target',
  'streams',
  'p50 ms',
  'p99 ms',
  'edges p99',
  'ttfb50 ms',
  'ttfb99 ms',
  'events',
  'cpu µs/ev',
  'SYN drops',
  'errors',
])

/** One table row for a target at one concurrency. */
export function summaryRow(target: string, concurrency: number, s: Summary): string {
  return row([
    target,
    concurrency,
    s.p50,
    s.p99,
    s.p99Edges,
    s.ttfbP50,
    s.ttfbP99,
    `${s.events}/${s.expectedEvents}`,
    s.cpuUsPerEvent ?? '-',
    s.listenDrops,
    s.errors.length,
  ])
}
