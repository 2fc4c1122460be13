import { createEventSplitter } from '../../relay/src/chat/sse-events'
import { createRelay, loadConfig, type RelayOptions } from '../../relay/src/index'
import { chat, type RawResponse, type RequestOptions, request, type TestRelay, userMessage } from './helpers'

/** A relay on 127.0.0.1:0 with code-level options (a movable clock) and captured logs. */
export async function startGenerationRelay(
  env: Record<string, string>,
  options: RelayOptions = {},
): Promise<TestRelay> {
  const logs: string[] = []
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', RELAY_DEMO_DELAY_MS: '0', ...env })
  const relay = await createRelay(config, { ...options, logSink: (line) => logs.push(line) })
  return { ...relay, logs, config }
}

/** The recorded frames of an SSE body (whole events that carry an `id:`), byte for byte; comments dropped. */
export function framesOf(body: Buffer): Buffer[] {
  const splitter = createEventSplitter()
  return splitter.push(body).filter((event) => event.subarray(0, 4).toString('latin1') === 'id: ')
}

/** The ids of frames, in order. */
export function idsOf(frames: Buffer[]): number[] {
  return frames.map((frame) => Number(/^id: (\d+)\n/.exec(frame.toString('utf8'))?.[1]))
}

/** How many whole frames a body so far holds (for `abortWhen`). */
export function frameCount(text: string): number {
  return framesOf(Buffer.from(text)).length
}

/** Starts (or re-POSTs) generation `id`; `cutAfter` frames makes the client leave once it has that many. */
export function startGeneration(
  url: string,
  id: string,
  options: { token?: string; cutAfter?: number; lastEventId?: number; body?: object } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'X-Generation-Id': id }
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId)
  const extra: RequestOptions = {}
  const cut = options.cutAfter
  if (cut !== undefined) extra.abortWhen = (text) => frameCount(text) >= cut
  return chat(
    url,
    options.body ?? userMessage('为什么天空是蓝色的？', { model: 'deepseek-reasoner' }),
    headers,
    extra,
  )
}

/** `GET /v1/generations/<id>/stream` from `lastEventId`. */
export function resumeGeneration(
  url: string,
  id: string,
  options: { token?: string; lastEventId?: number; cutAfter?: number } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {}
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId)
  const cut = options.cutAfter
  return request(`${url}/v1/generations/${id}/stream`, {
    headers,
    ...(cut !== undefined ? { abortWhen: (text: string) => frameCount(text) >= cut } : {}),
  })
}

/** `POST /v1/generations/<id>/cancel`. */
export function cancelGeneration(url: string, id: string, token?: string): Promise<RawResponse> {
  return request(`${url}/v1/generations/${id}/cancel`, {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  })
}

/** The `error.code` of a frame or JSON body, if it is an error. */
export function errorCode(text: string): string | undefined {
  return /"code":"([a-z_]+)"/.exec(text)?.[1]
}

/** Fresh valid generation ids, `<prefix>_<pid>_<n>_id`, unique across the test files running at once. */
export function idMaker(prefix: string): () => string {
  let counter = 0
  return () => {
    counter++
    return `${prefix}_${process.pid}_${counter}_id`
  }
}
