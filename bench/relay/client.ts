/**
 * The load generator: C concurrent streaming POSTs to a target, timing every event on
 * arrival against the send time the emitter wrote into it (CLOCK_MONOTONIC via
 * `process.hrtime.bigint()`, shared by all processes on the host, so no clock offset).
 * Streams under load run on raw sockets (./timed-stream.ts) so the load generator does not
 * pause itself; idle streams for the memory measurement use node:http (nothing is timed there).
 */
import { Agent, type ClientRequest, request } from 'node:http'
import { Samples } from './samples'
import { monotonicMs, openTimedStream, requestBytes, type StreamSink } from './timed-stream'

/** Which streams to open and how. */
export interface LoadOptions {
  /** Full URL of the chat completions endpoint. */
  url: string
  concurrency: number
  /** Stream starts are spread evenly over this window (a SYN burst would measure the accept queue). */
  rampMs: number
  /** Give up on streams still open after this long. */
  timeoutMs: number
  /**
   * Events sent earlier than this (ms after the run started) go to `edgeLatencies`: while
   * streams are still being opened, latency measures connection setup, which TTFB reports.
   */
  steadyAfterMs?: number
  /**
   * Events sent from this time on go to `edgeLatencies` too: once the first streams end, fewer
   * than `concurrency` are open and the proxy is busy tearing connections down.
   */
  steadyUntilMs?: number
  headers?: Record<string, string>
  /** Headers of the i-th stream on top of `headers` (e.g. its own X-Generation-Id); the request is then built per stream. */
  headersOf?: (i: number) => Record<string, string>
}

/** What one load run saw. Latencies in milliseconds. */
export interface LoadResult {
  /** Events sent while every stream was open (steady state). */
  latencies: number[]
  /** Events sent while streams were still being opened, or already closing. */
  edgeLatencies: number[]
  ttfb: number[]
  events: number
  completed: number
  errors: string[]
  /** CPU ms the proxy process spent during the run (set by the bench, not by the client). */
  proxyCpuMs?: number
  /** Host-wide accept-queue drops during the run: each costs a stream a 1 s SYN retry. */
  listenDrops?: number
}

/** Records an error message, keeping the list short when every stream fails the same way. */
function note(errors: string[], message: string): void {
  if (errors.length < 20) errors.push(message)
}

const BODY = JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'bench' }] })

/**
 * Runs C streams to completion (or timeout) and returns every event latency and TTFB.
 * A full collection of this process's heap first (the bench runs with --expose-gc), so
 * the garbage of earlier runs is not collected in the middle of this one.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const errors: string[] = []
  const steady = new Samples()
  const edges = new Samples()
  const ttfb = new Samples()
  let events = 0
  let completed = 0
  globalThis.gc?.()
  const url = new URL(options.url)
  const request = requestBytes(url, options.headers ?? {}, BODY)
  const start = monotonicMs()
  // Send times of the steady window: every stream open, none closed yet.
  const from = start + (options.steadyAfterMs ?? 0)
  const until = options.steadyUntilMs === undefined ? Number.POSITIVE_INFINITY : start + options.steadyUntilMs
  const closers: (() => void)[] = []
  let ended = 0
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      errors.push(`timeout: ${options.concurrency - ended} streams still open`)
      resolve()
    }, options.timeoutMs)
    const sink = (opened: number): StreamSink => ({
      event(sentMs, arrivalMs) {
        ;(sentMs >= from && sentMs < until ? steady : edges).push(arrivalMs - sentMs)
        events++
      },
      firstByte: (arrivalMs) => ttfb.push(arrivalMs - opened),
      error: (message) => note(errors, message),
      end(complete) {
        if (complete) completed++
        ended++
        if (ended === options.concurrency) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
    const gap = options.rampMs / options.concurrency
    for (let i = 0; i < options.concurrency; i++) {
      const bytes = options.headersOf
        ? requestBytes(url, { ...options.headers, ...options.headersOf(i) }, BODY)
        : request
      setTimeout(() => closers.push(openTimedStream(url, bytes, sink(monotonicMs()))), i * gap)
    }
  })
  for (const close of closers) close()
  return {
    latencies: steady.toArray(),
    edgeLatencies: edges.toArray(),
    ttfb: ttfb.toArray(),
    events,
    completed,
    errors,
  }
}

/** Idle streams held open for a memory measurement. */
export interface IdleStreams {
  /** Streams that got their first byte. */
  open: number
  errors: string[]
  close(): void
}

/** Opens C streams, resolves once each has its first byte (or failed, or the timeout hit); keeps them open. */
export async function openIdle(options: LoadOptions): Promise<IdleStreams> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })
  const requests: ClientRequest[] = []
  const errors: string[] = []
  let open = 0
  let settled = 0
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      errors.push(`timeout: ${options.concurrency - settled} streams without a first byte`)
      resolve()
    }, options.timeoutMs)
    const settle = (): void => {
      settled++
      if (settled === options.concurrency) {
        clearTimeout(timer)
        resolve()
      }
    }
    const gap = options.rampMs / options.concurrency
    for (let i = 0; i < options.concurrency; i++) {
      setTimeout(() => {
        let counted = false
        const req = request(options.url, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', ...options.headers },
        })
        req.on('response', (res) => {
          res.on('error', () => undefined)
          if (res.statusCode !== 200) {
            note(errors, `status ${res.statusCode}`)
            res.resume()
            counted = true
            settle()
            return
          }
          res.once('data', () => {
            counted = true
            open++
            settle()
          })
        })
        req.on('error', (error) => {
          note(errors, error.message)
          if (counted) return
          counted = true
          settle()
        })
        req.end(BODY)
        requests.push(req)
      }, i * gap)
    }
  })
  return {
    open,
    errors,
    close() {
      for (const req of requests) req.destroy()
      agent.destroy()
    },
  }
}
