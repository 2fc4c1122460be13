/**
 * A `wx.request` double that speaks the relay's resumable-generation contract (README: Resumable
 * generations) on WeChat's terms, for client tests on fake timers:
 * - `POST /v1/chat/completions` with `X-Generation-Id` starts the generation, or attaches to it;
 * - `GET /v1/generations/<id>/stream` with `Last-Event-ID` replays what followed, then follows live;
 * - `POST /v1/generations/<id>/cancel` ends it with a `cancelled` error frame;
 * and the hostile parts: every request is cut after `capMs` (WeChat's ~60 s cap, `request:fail
 * timeout`), the network can drop (every request fails until it is back), and each event's bytes
 * arrive in two chunks split at a random byte (mid-character included).
 */
import { seededRandom } from './random'

/** One generation's events, produced one every `intervalMs` from its start. */
export interface GenerationScript {
  /** The `data:` payloads in order, `[DONE]` or an error frame last. */
  events: string[]
  intervalMs: number
}

/** What the double saw, for assertions. */
export interface RelayLog {
  /** Generations started upstream (a retried start that attaches does not count). */
  starts: number
  requests: { method: string; path: string; lastEventId?: string }[]
  cancels: number
}

interface Generation {
  startedAt: number
  cancelledAt?: number
}

type Listener<T> = (result: T) => void

/** The double; `request` goes on `wx`. */
export interface GenerationRelayDouble {
  request: (options: WechatMiniprogram.RequestOption) => WechatMiniprogram.RequestTask
  log: RelayLog
  /** The network drops: requests in flight fail, new ones fail at once, until `restore`. */
  drop(): void
  restore(): void
  /** Forgets a generation (its retention ran out). */
  expire(id: string): void
}

function frame(id: number, data: string): string {
  return `id: ${id}\ndata: ${data}\n\n`
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** The double, serving `script` for every generation id it is asked for. */
export function createGenerationRelayDouble(
  script: GenerationScript,
  config: { capMs?: number; seed?: number; echoId?: boolean } = {},
): GenerationRelayDouble {
  const generations = new Map<string, Generation>()
  const log: RelayLog = { starts: 0, requests: [], cancels: 0 }
  const random = seededRandom(config.seed ?? 7)
  const live = new Set<() => void>()
  let offline = false

  function eventsAt(generation: Generation, now: number): number {
    const until = generation.cancelledAt ?? now
    return Math.min(script.events.length, Math.floor((until - generation.startedAt) / script.intervalMs))
  }

  function request(options: WechatMiniprogram.RequestOption): WechatMiniprogram.RequestTask {
    const url = new URL(options.url)
    const headers = (options.header ?? {}) as Record<string, string>
    const method = options.method ?? 'GET'
    const lastEventId = headers['Last-Event-ID']
    log.requests.push({ method, path: url.pathname, ...(lastEventId !== undefined ? { lastEventId } : {}) })
    const onHeaders = new Set<Listener<WechatMiniprogram.RequestTaskOnHeadersReceivedListenerResult>>()
    const onChunk = new Set<Listener<WechatMiniprogram.OnChunkReceivedListenerResult>>()
    let finished = false
    const timers: ReturnType<typeof setTimeout>[] = []

    function end(kind: 'success' | 'fail', result: Record<string, unknown>): void {
      if (finished) return
      finished = true
      for (const t of timers) clearTimeout(t)
      live.delete(failNow)
      if (kind === 'success')
        options.success?.(result as unknown as WechatMiniprogram.RequestSuccessCallbackResult)
      else options.fail?.(result as unknown as WechatMiniprogram.RequestFailCallbackErr)
    }
    const failNow = () => end('fail', { errMsg: 'request:fail', errno: 600001 })

    function json(status: number, body: object): void {
      const header = { 'Content-Type': 'application/json' }
      timers.push(
        setTimeout(() => {
          for (const cb of onHeaders) cb({ header, statusCode: status, cookies: [] } as never)
          end('success', {
            statusCode: status,
            header,
            data: new TextEncoder().encode(JSON.stringify(body)).buffer,
          })
        }, 5),
      )
    }

    function stream(id: string, generation: Generation, from: number): void {
      const header: Record<string, string> = { 'Content-Type': 'text/event-stream' }
      if (config.echoId !== false) header['X-Generation-Id'] = id
      timers.push(
        setTimeout(() => {
          for (const cb of onHeaders) cb({ header, statusCode: 200, cookies: [] } as never)
        }, 5),
      )
      let sent = from
      const deliver = (): void => {
        if (finished) return
        const now = Date.now()
        const available = eventsAt(generation, now)
        while (sent < available) {
          sent++
          const event = bytes(frame(sent, script.events[sent - 1] as string))
          const cut = 1 + Math.floor(random() * (event.length - 1))
          for (const part of [event.subarray(0, cut), event.subarray(cut)]) {
            for (const cb of onChunk) cb({ data: part.slice().buffer } as never)
          }
        }
        if (generation.cancelledAt !== undefined && sent === available) {
          const cancelled = bytes(frame(sent + 1, '{"error":{"message":"cancelled","code":"cancelled"}}'))
          for (const cb of onChunk) cb({ data: cancelled.buffer } as never)
          end('success', { statusCode: 200, header, data: new ArrayBuffer(0) })
          return
        }
        if (sent === script.events.length) {
          end('success', { statusCode: 200, header, data: new ArrayBuffer(0) })
          return
        }
        const next = generation.startedAt + (sent + 1) * script.intervalMs
        timers.push(setTimeout(deliver, Math.max(1, next - now)))
      }
      timers.push(setTimeout(deliver, 6))
    }

    live.add(failNow)
    if (offline) {
      timers.push(setTimeout(failNow, 1))
    } else {
      if (config.capMs !== undefined) {
        timers.push(setTimeout(() => end('fail', { errMsg: 'request:fail timeout', errno: 5 }), config.capMs))
      }
      const match = /^\/v1\/generations\/([\w-]+)\/(stream|cancel)$/.exec(url.pathname)
      if (url.pathname === '/v1/chat/completions') {
        const id = headers['X-Generation-Id'] ?? ''
        let generation = generations.get(id)
        if (!generation) {
          generation = { startedAt: Date.now() }
          generations.set(id, generation)
          log.starts++
        }
        stream(id, generation, Number(lastEventId ?? 0))
      } else if (match?.[2] === 'stream') {
        const generation = generations.get(match[1] as string)
        if (!generation)
          json(404, { error: { message: 'generation not found', code: 'generation_not_found' } })
        else stream(match[1] as string, generation, Number(lastEventId ?? 0))
      } else if (match?.[2] === 'cancel') {
        const generation = generations.get(match[1] as string)
        if (generation && generation.cancelledAt === undefined) generation.cancelledAt = Date.now()
        log.cancels++
        json(200, { cancelled: generation !== undefined })
      } else {
        json(404, { error: { message: 'not found', code: 'not_found' } })
      }
    }

    return {
      abort() {
        end('fail', { errMsg: 'request:fail abort', errno: 1 })
      },
      onHeadersReceived: (cb: never) => onHeaders.add(cb),
      offHeadersReceived: (cb: never) => onHeaders.delete(cb),
      onChunkReceived: (cb: never) => onChunk.add(cb),
      offChunkReceived: (cb: never) => onChunk.delete(cb),
    } as unknown as WechatMiniprogram.RequestTask
  }

  return {
    request,
    log,
    drop() {
      offline = true
      for (const fail of [...live]) fail()
    },
    restore() {
      offline = false
    },
    expire(id) {
      generations.delete(id)
    },
  }
}
