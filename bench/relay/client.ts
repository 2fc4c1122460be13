/**
 * The load generator: C concurrent streaming POSTs to a target, timing every event on
 * arrival against the send time the emitter wrote into it (CLOCK_MONOTONIC via
 * `process.hrtime.bigint()`, shared by all processes on the host, so no clock offset).
 */
import { Agent, type ClientRequest, request } from 'node:http'

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

const CONTENT = '"content":"'

/**
 * One stream's line parser: records latencies of `data:` chunks whose content is a send timestamp.
 * It finds the timestamp by position instead of JSON.parse: at 20,000 events/s the client's own
 * CPU time would otherwise become part of every measured latency.
 */
/** Send times (CLOCK_MONOTONIC, ns) of the steady window: every stream open, none closed yet. */
interface Window {
  from: bigint
  until: bigint
}

function createLineSink(result: LoadResult, steady: Window): (text: string, arrival: bigint) => void {
  let carry = ''
  return (text, arrival) => {
    const lines = (carry + text).split('\n')
    carry = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue
      const at = line.indexOf(CONTENT)
      const stamp = at < 0 ? '' : line.slice(at + CONTENT.length, line.indexOf('"', at + CONTENT.length))
      if (/^\d+$/.test(stamp)) {
        const sent = BigInt(stamp)
        const list = sent >= steady.from && sent < steady.until ? result.latencies : result.edgeLatencies
        list.push(Number(arrival - sent) / 1e6)
        result.events++
      } else if (line.includes('"error"')) {
        const chunk = JSON.parse(line.slice(6)) as { error?: { message?: string } }
        note(result.errors, `error frame: ${chunk.error?.message}`)
      }
    }
  }
}

function openStream(
  agent: Agent,
  options: LoadOptions,
  result: LoadResult,
  steady: Window,
  onEnd: () => void,
): ClientRequest {
  const start = process.hrtime.bigint()
  const sink = createLineSink(result, steady)
  let ended = false
  const finish = (): void => {
    if (ended) return
    ended = true
    onEnd()
  }
  const req = request(options.url, {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', ...options.headers },
  })
  req.on('response', (res) => {
    if (res.statusCode !== 200) note(result.errors, `status ${res.statusCode}`)
    let first = true
    res.setEncoding('utf8')
    res.on('data', (text: string) => {
      const arrival = process.hrtime.bigint()
      if (first) {
        first = false
        result.ttfb.push(Number(arrival - start) / 1e6)
      }
      sink(text, arrival)
    })
    res.on('end', () => {
      result.completed++
      finish()
    })
    res.on('error', finish)
  })
  req.on('error', (error) => {
    note(result.errors, error.message)
    finish()
  })
  req.end(BODY)
  return req
}

/** Runs C streams to completion (or timeout) and returns every event latency and TTFB. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    latencies: [],
    edgeLatencies: [],
    ttfb: [],
    events: 0,
    completed: 0,
    errors: [],
  }
  const start = process.hrtime.bigint()
  const at = (ms: number): bigint => start + BigInt(Math.round(ms * 1e6))
  const steady: Window = {
    from: at(options.steadyAfterMs ?? 0),
    until: options.steadyUntilMs === undefined ? at(Number.MAX_SAFE_INTEGER) : at(options.steadyUntilMs),
  }
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
  const requests: ClientRequest[] = []
  let ended = 0
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      result.errors.push(`timeout: ${options.concurrency - ended} streams still open`)
      resolve()
    }, options.timeoutMs)
    const onEnd = (): void => {
      ended++
      if (ended === options.concurrency) {
        clearTimeout(timer)
        resolve()
      }
    }
    const gap = options.rampMs / options.concurrency
    for (let i = 0; i < options.concurrency; i++) {
      setTimeout(() => requests.push(openStream(agent, options, result, steady, onEnd)), i * gap)
    }
  })
  for (const req of requests) req.destroy()
  agent.destroy()
  return result
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
