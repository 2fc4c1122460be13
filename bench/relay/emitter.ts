/**
 * Child-process script: a minimal OpenAI-style SSE upstream for the relay benchmark.
 * It runs in its own process so its CPU cost never lands on the relay or the client.
 *
 * Every `POST …/chat/completions` streams `mode.events` chunks spaced `mode.intervalMs`
 * apart, each carrying its send time (`process.hrtime.bigint()`, CLOCK_MONOTONIC, which all
 * processes on the host share) as the delta content, then `[DONE]`. In idle mode it sends one
 * comment and then holds the stream open, silent, until the client leaves.
 * `POST /__bench/mode` changes the mode; `GET /__bench/stats` reports open/aborted streams.
 * Prints `{"port":N}` on stdout once listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** Emitter behaviour, set by the benchmark before each phase. */
export interface EmitterMode {
  events: number
  intervalMs: number
  idle: boolean
}

const mode: EmitterMode = { events: 20, intervalMs: 50, idle: false }
const stats = { open: 0, started: 0, aborted: 0, completed: 0 }

const prefix =
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench",' +
  '"choices":[{"index":0,"delta":{"content":"'
const suffix = '"},"finish_reason":null}]}\n\n'
const finish =
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench",' +
  '"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'

function stream(res: ServerResponse): void {
  const { events, intervalMs, idle } = mode
  stats.open++
  stats.started++
  let sent = 0
  let timer: NodeJS.Timeout | undefined
  let done = false
  res.on('close', () => {
    stats.open--
    if (timer) clearTimeout(timer)
    if (!done) stats.aborted++
  })
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  if (idle) {
    res.write(': open\n\n')
    return
  }
  const tick = (): void => {
    // The timestamp is taken right before the write so latency covers only what follows it.
    res.write(`${prefix}${process.hrtime.bigint()}${suffix}`)
    sent++
    if (sent < events) {
      timer = setTimeout(tick, intervalMs)
      return
    }
    done = true
    stats.completed++
    res.end(finish)
  }
  tick()
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}

const server = createServer((req, res) => {
  void readBody(req).then((body) => {
    if (req.method === 'POST' && req.url === '/__bench/mode') {
      Object.assign(mode, JSON.parse(body) as Partial<EmitterMode>)
      res.end(JSON.stringify(mode))
    } else if (req.method === 'GET' && req.url === '/__bench/stats') {
      res.end(JSON.stringify(stats))
    } else if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
      stream(res)
    } else {
      res.writeHead(404).end()
    }
  })
})
server.keepAliveTimeout = 120_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object')
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`)
})
