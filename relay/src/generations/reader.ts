import type { ServerResponse } from 'node:http'
import { SseWriter } from '../chat/sse-writer'
import { type FrameBatch, type FrameStore, READ_BATCH } from './frame-store'
import { notFound, unavailable } from './id'

/** One client following a generation. */
export interface GenerationReader {
  /** Settles when the reader ended: the generation's end was written, or the client left. */
  readonly done: Promise<void>
  /** Ends it now: what is stored is written first, then `error` as a frame if the end was not reached. */
  close(error: unknown): Promise<void>
}

/** What a reader does after writing a batch. */
type Next = 'more' | 'idle' | 'drain' | 'done'

/**
 * Streams a generation to one client: `200 text/event-stream` echoing `X-Generation-Id`, the stored
 * frames after `after`, then the live ones as they are recorded, and the end exactly as recorded
 * (`[DONE]` or the error frame). It pulls from the store: a slow client holds a position, not a
 * copy, and leaves the answer's pace alone. Frames this process holds are read and written in the
 * turn they were recorded (no promise per event); others after a store round trip. While nothing
 * comes, the writer's `: keep-alive` comments (no id) keep proxies from closing; the store is also
 * polled at that pace, in case a notification was lost or the instance that ran the answer died.
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
  /** A read or a wait for the client to drain is under way; a notification meanwhile sets `again`. */
  let busy = false
  let again = false
  let idleWaiters: Array<() => void> = []
  let resolveDone = (): void => undefined
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve
  })
  let unwatch = (): void => undefined
  const poll = setInterval(() => {
    store.touch(id)
    pump()
  }, heartbeatMs)
  poll.unref()
  const stop = (): void => {
    ended = true
    unwatch()
    clearInterval(poll)
    resolveDone()
  }
  const finish = (error?: unknown): void => {
    if (ended) return
    stop()
    if (error !== undefined) writer.fail(error)
    else writer.end()
  }
  const take = (batch: FrameBatch | null): Next => {
    if (ended) return 'done'
    if (!batch) {
      finish(notFound())
      return 'done'
    }
    let drain = false
    if (batch.count > 0) {
      position += batch.count
      drain = !writer.write(batch.data)
    }
    if (batch.endId !== null && position >= batch.endId) {
      finish()
      return 'done'
    }
    if (drain) return 'drain'
    return batch.count === READ_BATCH || again ? 'more' : 'idle'
  }
  /** After a batch: read on, wait for the client, or rest until the next notification. */
  const settle = (next: Next): void => {
    if (next === 'drain') {
      writer.onceDrained(() => {
        busy = false
        pump()
      })
      return
    }
    busy = false
    if (next === 'more') pump()
    else {
      const waiters = idleWaiters
      idleWaiters = []
      for (const wake of waiters) wake()
    }
  }
  const pump = (): void => {
    if (ended) return
    if (busy) {
      again = true
      return
    }
    busy = true
    for (;;) {
      again = false
      const now = store.readNow(id, position)
      if (now === undefined) {
        store.read(id, position).then(
          (batch) => settle(take(batch)),
          () => {
            finish(unavailable())
            settle('done')
          },
        )
        return
      }
      const next = take(now)
      if (next !== 'more') {
        settle(next)
        return
      }
    }
  }
  res.on('close', () => {
    writer.stopHeartbeat()
    if (!ended) stop()
    settle('done')
  })
  store.touch(id)
  try {
    unwatch = await store.watch(id, pump)
  } catch {
    finish(unavailable())
  }
  if (ended) unwatch()
  pump()
  return {
    done,
    async close(error) {
      pump()
      if (busy) await new Promise<void>((wake) => idleWaiters.push(wake))
      finish(error)
    },
  }
}
