import http, { type IncomingHttpHeaders } from 'node:http'
import { createRelay, loadConfig, type Relay, type RelayConfig, type RelayHooks } from '../../relay/src/index'

/** A relay started in-process with captured log lines. */
export interface TestRelay extends Relay {
  logs: string[]
  config: RelayConfig
}

/** Starts a relay on 127.0.0.1:0 from environment-style settings. */
export async function startTestRelay(
  env: Record<string, string> = {},
  hooks?: RelayHooks,
): Promise<TestRelay> {
  const logs: string[] = []
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', RELAY_DEMO_DELAY_MS: '0', ...env })
  const relay = await createRelay(config, { hooks, logSink: (line) => logs.push(line) })
  return { ...relay, logs, config }
}

/** A response read to its end over a real socket, with the time each chunk arrived. */
export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  text: string
  chunks: Array<{ at: number; bytes: Buffer }>
  /** ms from sending the request to the first body byte (-1 if none). */
  firstByteMs: number
}

/** Options of `request`. */
export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Abort (destroy the socket) once the body so far satisfies this. */
  abortWhen?(text: string): boolean
}

/** One HTTP request over a fresh connection (no agent pooling between tests). */
export function request(url: string, options: RequestOptions = {}): Promise<RawResponse> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    })
    req.on('error', reject)
    req.on('response', (res) => {
      const chunks: RawResponse['chunks'] = []
      const finish = (): void => {
        const body = Buffer.concat(chunks.map((c) => c.bytes))
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text: body.toString('utf8'),
          chunks,
          firstByteMs: chunks[0] ? chunks[0].at - started : -1,
        })
      }
      res.on('data', (bytes: Buffer) => {
        chunks.push({ at: Date.now(), bytes })
        if (options.abortWhen?.(Buffer.concat(chunks.map((c) => c.bytes)).toString('utf8'))) {
          req.destroy()
          finish()
        }
      })
      res.on('end', finish)
      res.on('error', () => finish())
    })
    req.end(options.body)
  })
}

/** POST a chat request (JSON body) to the relay. */
export function chat(
  relayUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
  extra: RequestOptions = {},
) {
  return request(`${relayUrl}/v1/chat/completions`, {
    ...extra,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** A minimal valid chat body. */
export function userMessage(text: string, extra: Record<string, unknown> = {}) {
  return { messages: [{ role: 'user', content: text }], stream: true, ...extra }
}

/** The `data:` payloads of an SSE body (comments dropped). */
export function dataFrames(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .flatMap((event) => event.split(/\r?\n/).filter((line) => line.startsWith('data:')))
    .map((line) => line.slice(5).trim())
}

/** Polls until `check` is true (bounded). */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
