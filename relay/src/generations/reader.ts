import type { ServerResponse } from 'node:http'
import { SseWriter } from '../chat/sse-writer'
import { RelayError } from '../errors'
import { type FrameStore, READ_BATCH } from './frame-store'
import { notFound } from './id'

/** One client following a generation. */
export interface GenerationReader {
  /** Settles when the reader ended: the generation's end was written, or the client left. */
  readonly done: Promise<void>
  /** Ends it now: what is stored is written first, then `error` as a frame if the end was not reached. */
  close(error: unknown): Promise<void>
}

function unavailable(): RelayError {
  return new RelayError(503, 'generation_unavailable', 'The answer store is unreachable, retry shortly')
}

/**
 * Streams a generation to one client: `200 text/event-stream` echoing `X-Generation-Id`, the stored
 * frames after `after`, then the live ones as they are recorded, and the end exactly as recorded
 * (`[DONE]` or the error frame). It pulls from the store: a slow client holds a position, not a
 * copy, and leaves the answer's pace alone. While nothing comes, the writer's `: keep-alive`
 * comments (no id) keep proxies from closing; the store is also polled at that pace, in case a
 * notification was lost or the instance that ran the answer died.
 */
export async function readGeneration(
  res: ServerResponse,
  id: string,
  after: number,
  store: FrameStore,
  heartbeatMs: number,
): Promise<GenerationReader> {
  res.setHeader('X-Generation-Id', id)
  const writer = new SseWriter(res, heartbeatMs)
  writer.commit('ok')
  let position = after
  let ended = false
  let reading: Promise<void> | null = null
  let again = false
  let resolveDone = (): void => undefined
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve
  })
  let unwatch = (): void => undefined
  const poll = setInterval(() => void pump(), heartbeatMs)
  poll.unref()
  const finish = (error?: unknown): void => {
    if (ended) return
    ended = true
    unwatch()
    clearInterval(poll)
    if (error !== undefined) writer.fail(error)
    else writer.end()
    resolveDone()
  }
  const readOn = async (): Promise<void> => {
    do {
      again = false
      const batch = await store.read(id, position)
      if (ended) return
      if (!batch) return finish(notFound())
      if (batch.count > 0) {
        position += batch.count
        if (!writer.write(batch.data)) await new Promise<void>((r) => writer.onceDrained(r))
        if (batch.count === READ_BATCH) again = true
      }
      if (batch.endId !== null && position >= batch.endId) return finish()
    } while (again && !ended)
  }
  /** One read at a time; a notification meanwhile makes it read once more. */
  const pump = (): Promise<void> => {
    if (ended) return Promise.resolve()
    if (reading) {
      again = true
      return reading
    }
    reading = readOn()
      .catch(() => finish(unavailable()))
      .finally(() => {
        reading = null
        // A notification that came while the last read was finishing.
        if (again) void pump()
      })
    return reading
  }
  res.on('close', () => {
    writer.stopHeartbeat()
    if (ended) return
    ended = true
    unwatch()
    clearInterval(poll)
    resolveDone()
  })
  try {
    unwatch = await store.watch(id, () => void pump())
  } catch {
    finish(unavailable())
  }
  if (ended) unwatch()
  void pump()
  return {
    done,
    async close(error) {
      await pump()
      finish(error)
    },
  }
}
