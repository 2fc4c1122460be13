import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createChatDecoder } from '../../miniprogram/lib/stream'
import { loadTranscript } from '../fixtures/transcripts'

/** How the emulator answers the next chat request(s). Every field is optional; `{}` = a good stream. */
export interface Behaviour {
  /** Transcript to replay (file name without `.sse`); default `openai-basic`. */
  transcript?: string
  /** Raw body to replay instead of a transcript. */
  body?: string | Uint8Array
  /** Bytes per write (default 16) and pause between writes (default 1 ms). */
  chunkSize?: number
  delayMs?: number
  /** Wait this long before sending the response headers. */
  slowHeadersMs?: number
  /** Send this many bytes, then go silent with the connection open. */
  stallAfterBytes?: number
  /** Send this many bytes, then destroy the connection. */
  cutAfterBytes?: number
  /** Answer with this HTTP status and an OpenAI-style JSON error. */
  status?: number
  /** Retry-After header sent with `status`. */
  retryAfter?: string
  /** Message of the JSON error (default mentions the status). */
  errorMessage?: string
  /** Answer 200 with `application/json` `{"error":…}` (a gateway quirk). */
  jsonError200?: boolean
  /** Answer 200 `text/event-stream` with an HTML error page as the body. */
  malformed?: boolean
}

/** One request as the emulator saw it. */
export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
  /** The parsed JSON body (null if not JSON). */
  json: Record<string, unknown> | null
  /** True when the relay closed the connection before the emulator finished answering. */
  aborted: boolean
  /** Bytes of the answer body written. */
  bytesSent: number
  /** Resolves when the exchange is over (finished or aborted). */
  closed: Promise<void>
}

/** A running emulator. */
export interface UpstreamEmulator {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:1234/v1`. */
  url: string
  requests: RecordedRequest[]
  /** Sets the behaviour for every following request. */
  setBehaviour(behaviour: Behaviour): void
  /** Queues behaviours used once each (in order) before falling back to `setBehaviour`'s. */
  queueBehaviours(...behaviours: Behaviour[]): void
  close(): Promise<void>
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** The answer text of a transcript, for `stream: false` requests. */
function transcriptText(bytes: Uint8Array): string {
  let text = ''
  const decoder = createChatDecoder((u) => {
    if (u.type === 'delta' && u.content) text += u.content
  })
  decoder.push(bytes)
  decoder.end()
  return text
}

async function replay(res: ServerResponse, bytes: Uint8Array, b: Behaviour, rec: RecordedRequest) {
  const size = b.chunkSize ?? 16
  const delay = b.delayMs ?? 1
  let offset = 0
  while (offset < bytes.length && !res.destroyed) {
    let end = Math.min(bytes.length, offset + size)
    for (const limit of [b.stallAfterBytes, b.cutAfterBytes]) {
      if (limit !== undefined && offset < limit && end > limit) end = limit
    }
    if (end > offset) {
      res.write(bytes.subarray(offset, end))
      rec.bytesSent += end - offset
      offset = end
    }
    if (b.cutAfterBytes !== undefined && offset >= b.cutAfterBytes) {
      // Give the last bytes a moment to leave, then break the connection mid-stream.
      await sleep(20)
      res.socket?.destroy()
      return
    }
    if (b.stallAfterBytes !== undefined && offset >= b.stallAfterBytes) return
    if (delay > 0) await sleep(delay)
  }
  if (!res.destroyed) res.end()
}

async function answerChat(res: ServerResponse, b: Behaviour, rec: RecordedRequest) {
  if (b.slowHeadersMs) await sleep(b.slowHeadersMs)
  if (res.destroyed) return
  if (b.status !== undefined && b.status !== 200) {
    const headers: Record<string, string> = b.retryAfter ? { 'Retry-After': b.retryAfter } : {}
    const message = b.errorMessage ?? `Emulated upstream error ${b.status}`
    const code =
      b.status === 401 ? 'invalid_api_key' : b.status === 429 ? 'rate_limit_exceeded' : 'server_error'
    return sendJson(res, b.status, { error: { message, type: 'upstream', code } }, headers)
  }
  if (b.jsonError200) {
    return sendJson(res, 200, {
      error: { message: b.errorMessage ?? 'Content rejected by the gateway', code: 'gateway_error' },
    })
  }
  const bytes =
    typeof b.body === 'string'
      ? Buffer.from(b.body)
      : (b.body ?? loadTranscript(b.transcript ?? 'openai-basic'))
  if (rec.json?.stream === false) {
    const content = transcriptText(bytes)
    return sendJson(res, 200, {
      id: 'chatcmpl-emu',
      object: 'chat.completion',
      model: String(rec.json.model ?? ''),
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    })
  }
  res.writeHead(200, {
    'Content-Type': b.malformed ? 'text/event-stream' : 'text/event-stream; charset=utf-8',
  })
  res.flushHeaders()
  const body = b.malformed ? Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>\n') : bytes
  await replay(res, body, b, rec)
}

/** Starts an OpenAI-compatible upstream on 127.0.0.1 (free port) that replays transcripts and misbehaves on demand. */
export async function startUpstreamEmulator(): Promise<UpstreamEmulator> {
  const requests: RecordedRequest[] = []
  let behaviour: Behaviour = {}
  const queue: Behaviour[] = []
  const server = http.createServer(async (req, res) => {
    let onClosed = (): void => {}
    const rec: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: '',
      json: null,
      aborted: false,
      bytesSent: 0,
      closed: new Promise<void>((resolve) => {
        onClosed = resolve
      }),
    }
    requests.push(rec)
    res.on('close', () => {
      rec.aborted = !res.writableFinished
      onClosed()
    })
    rec.body = await readAll(req)
    try {
      rec.json = JSON.parse(rec.body)
    } catch {
      rec.json = null
    }
    const b = queue.shift() ?? behaviour
    if (req.method === 'GET' && req.url === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'emu-model', object: 'model', owned_by: 'emu' }],
      })
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      await answerChat(res, b, rec).catch(() => res.destroy())
      return
    }
    sendJson(res, 404, { error: { message: 'not found', code: 'not_found' } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setBehaviour(b) {
      behaviour = b
    },
    queueBehaviours(...bs) {
      queue.push(...bs)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
