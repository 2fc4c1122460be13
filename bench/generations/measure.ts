/**
 * The measurements of the resumable-generation bench that are not event latency: reattach → first
 * replayed byte, replay throughput, Redis round trips per event, and memory per retained generation.
 */
import { request } from 'node:http'
import { Redis } from 'ioredis'
import { round } from '../relay/report'

/** Reads one response: ms from sending to the first byte of a recorded frame (`id:`), and its body size. */
export function timedGet(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; firstFrameMs: number; totalMs: number; bytes: number }> {
  const started = process.hrtime.bigint()
  const ms = (): number => Number(process.hrtime.bigint() - started) / 1e6
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let firstFrameMs = -1
      let bytes = 0
      let head = ''
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (firstFrameMs === -1) {
          head += chunk.toString('latin1', 0, Math.min(chunk.length, 64))
          if (/(^|\n)id: /.test(head)) firstFrameMs = ms()
        }
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, firstFrameMs, totalMs: ms(), bytes }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Starts and reads to its end one generation per id (the emitter's current mode decides its size). */
export async function finishGenerations(
  relayUrl: string,
  token: string,
  ids: string[],
  parallel = 20,
): Promise<number> {
  const body = JSON.stringify({
    model: 'bench',
    stream: true,
    messages: [{ role: 'user', content: 'bench' }],
  })
  let bytes = 0
  for (let at = 0; at < ids.length; at += parallel) {
    const results = await Promise.all(
      ids
        .slice(at, at + parallel)
        .map((id) =>
          timedGet(
            `${relayUrl}/v1/chat/completions`,
            { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-generation-id': id },
            'POST',
            body,
          ),
        ),
    )
    bytes += results.reduce((sum, r) => sum + r.bytes, 0)
  }
  return bytes
}

/** Reattaches to each id from the start; the time to the first replayed frame byte, p50 / p99 (ms). */
export async function reattachLatency(
  relayUrl: string,
  token: string,
  ids: string[],
  parallel = 10,
): Promise<{ p50: number; p99: number; count: number }> {
  const times: number[] = []
  for (let at = 0; at < ids.length; at += parallel) {
    const results = await Promise.all(
      ids
        .slice(at, at + parallel)
        .map((id) =>
          timedGet(`${relayUrl}/v1/generations/${id}/stream`, { authorization: `Bearer ${token}` }),
        ),
    )
    for (const r of results) if (r.status === 200 && r.firstFrameMs >= 0) times.push(r.firstFrameMs)
  }
  times.sort((a, b) => a - b)
  const at = (p: number): number =>
    times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)] ?? Number.NaN
  return { p50: round(at(0.5)), p99: round(at(0.99)), count: times.length }
}

/** Replays one finished generation `times` times; the median throughput in MB/s and its size. */
export async function replayThroughput(
  relayUrl: string,
  token: string,
  id: string,
  times = 5,
): Promise<{ mbPerS: number; bytes: number; ms: number }> {
  const runs: Array<{ bytes: number; totalMs: number }> = []
  for (let i = 0; i < times; i++) {
    runs.push(await timedGet(`${relayUrl}/v1/generations/${id}/stream`, { authorization: `Bearer ${token}` }))
  }
  runs.sort((a, b) => a.totalMs - b.totalMs)
  const median = runs[Math.floor(runs.length / 2)] ?? { bytes: 0, totalMs: Number.NaN }
  return {
    mbPerS: round(median.bytes / 1e6 / (median.totalMs / 1000)),
    bytes: median.bytes,
    ms: round(median.totalMs),
  }
}

/** Redis commands seen by MONITOR while `run` ran, grouped into round trips. */
export interface RoundTrips {
  /** Frames written (XADD commands). */
  frames: number
  /** Round trips that wrote frames (one pipeline each). */
  writeRoundTrips: number
  /** Round trips that read frames (XRANGE, with the HMGET of its pipeline). */
  readRoundTrips: number
  /** Every round trip of the relay's, per frame written. */
  perEvent: number
  writesPerEvent: number
  readsPerEvent: number
}

/**
 * Counts what the relay sent Redis while `run` ran. MONITOR lists commands in the order Redis ran
 * them, each with its client and a microsecond time: the commands of one pipeline arrive in one read
 * and run back to back, so consecutive commands of one client less than GAP_US apart are one round
 * trip (the relay's write batches are 5 ms apart).
 */
export async function redisRoundTrips(redisUrl: string, run: () => Promise<void>): Promise<RoundTrips> {
  const GAP_US = 500
  const monitorClient = new Redis(redisUrl)
  const monitor = await monitorClient.monitor()
  const groups: string[][] = []
  let lastSource = ''
  let lastUs = 0
  monitor.on('monitor', (time: string, args: string[], source: string) => {
    const command = String(args[0]).toLowerCase()
    const us = Number(time) * 1e6
    if (source === lastSource && us - lastUs < GAP_US) groups.at(-1)?.push(command)
    else groups.push([command])
    lastSource = source
    lastUs = us
  })
  await run()
  await new Promise((r) => setTimeout(r, 500))
  monitor.disconnect()
  monitorClient.disconnect()
  let frames = 0
  let writeRoundTrips = 0
  let readRoundTrips = 0
  for (const commands of groups) {
    const xadds = commands.filter((c) => c === 'xadd').length
    frames += xadds
    if (xadds > 0) writeRoundTrips++
    if (commands.includes('xrange')) readRoundTrips++
  }
  const per = (n: number): number => round(n / Math.max(1, frames))
  return {
    frames,
    writeRoundTrips,
    readRoundTrips,
    perEvent: per(groups.length),
    writesPerEvent: per(writeRoundTrips),
    readsPerEvent: per(readRoundTrips),
  }
}
