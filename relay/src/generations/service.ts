import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AnswerSink } from '../chat/sse-writer'
import type { RelayConfig } from '../config'
import { errorBody, RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import { sendError } from '../http/respond'
import type { Logger } from '../log'
import { loggedUser } from '../logged-user'
import type { FrameStore } from './frame-store'
import { fromStore, lastEventIdOf, notFound, ownerOf, readerOf } from './id'
import { createMemoryFrameStore } from './memory-store'
import { type GenerationReader, readGeneration } from './reader'
import { GenerationRecorder, type RecorderEnd } from './recorder'
import { createRedisFrameStore } from './redis-store'
import { cancelled, GenerationRegistry } from './registry'

/** Resumable answers as the routes and the chat handler use them (one per app). */
export interface Generations {
  /**
   * Attaches `res` to the caller's generation `id` if it exists (a retried start): no upstream call,
   * no quota. False when there is none: start it. Another caller's id is a 409.
   */
  attachExisting(req: IncomingMessage, res: ServerResponse, userId: string, id: string): Promise<boolean>
  /**
   * Starts generation `id`: `produce` writes the answer to the recorder, detached from `res`, which
   * then reads it like any reader (or gets the error that ended it before the commit).
   */
  start(
    ctx: RelayContext,
    res: ServerResponse,
    id: string,
    produce: (sink: AnswerSink) => Promise<void>,
  ): Promise<void>
  /** GET …/stream: the caller's generation from `Last-Event-ID`; 404 for anyone else's, unknown or expired. */
  stream(req: IncomingMessage, res: ServerResponse, userId: string, id: string): Promise<void>
  /** POST …/cancel. */
  cancel(userId: string, id: string): Promise<{ id: string; cancelled: boolean }>
  /** Ends live generations with `relay_shutting_down`, lets readers write it, closes the store. */
  close(): Promise<void>
  /** Settles once `close()` let every reader write what the store holds (at most CLOSE_GRACE_MS). */
  readersEnded(): Promise<void>
}

/** How long `close()` lets readers write what is stored before cutting them. */
const CLOSE_GRACE_MS = 1000

/** The store: Redis Streams when the relay has Redis (every instance serves every reader), else memory. */
function createStore(config: RelayConfig, now: () => number): FrameStore {
  const { ttlMs, detachedTimeoutMs } = config.generations
  // A live generation's frames outlive its longest silence; a crashed instance's are forgotten after that.
  const options = { ttlMs, liveTtlMs: ttlMs + detachedTimeoutMs + config.idleTimeoutMs, now }
  return config.redisUrl ? createRedisFrameStore(config.redisUrl, options) : createMemoryFrameStore(options)
}

/** The resumable-answer parts of one app. `now` is the clock of TTLs and the detached timeout. */
export function createGenerations(config: RelayConfig, log: Logger, now: () => number): Generations {
  const store = createStore(config, now)
  const registry = new GenerationRegistry(config.generations, now, (id) => store.seenElsewhere(id))
  const readers = new Set<GenerationReader>()
  let readersEnded: Promise<void> = Promise.resolve()
  // A cancel asked on another instance (Redis) or here: whoever runs it stops it.
  store.onCancelRequest((id) => registry.stop(id, cancelled()))

  const follow = async (res: ServerResponse, id: string, after: number): Promise<void> => {
    const detach = registry.attach(id)
    const reader = await readGeneration(res, id, after, store, config.heartbeatMs)
    readers.add(reader)
    void reader.done.then(() => {
      readers.delete(reader)
      detach()
    })
  }

  const logEnd = (ctx: RelayContext, id: string, recorder: GenerationRecorder, started: number) => {
    return (end: RecorderEnd): void => {
      registry.remove(id)
      log.info('generation', {
        requestId: ctx.requestId,
        generationId: id,
        user: loggedUser(ctx.user.userId, config.hashSalt),
        model: ctx.body.model,
        frames: recorder.lastId,
        bytes: recorder.bytes,
        ms: Date.now() - started,
        end: end.kind === 'done' ? 'done' : errorBody(end.error).error.code,
      })
    }
  }

  const generations: Generations = {
    async attachExisting(req, res, userId, id) {
      const info = await fromStore(store.info(id))
      if (!info) return false
      if (info.owner !== readerOf(userId)) {
        throw new RelayError(409, 'generation_id_taken', 'This X-Generation-Id belongs to another caller')
      }
      await follow(res, id, lastEventIdOf(req))
      return true
    },

    async start(ctx, res, id, produce) {
      const owner = ownerOf(ctx.user.userId)
      const after = lastEventIdOf(ctx.req)
      const release = registry.admit(owner)
      // Two starts with one id (a retry racing the original, on any instance): one creates, one attaches.
      const created = await fromStore(store.create(id, readerOf(ctx.user.userId))).catch((error: unknown) => {
        release()
        throw error
      })
      if (!created) {
        release()
        if (!(await generations.attachExisting(ctx.req, res, ctx.user.userId, id))) throw notFound()
        return
      }
      const started = Date.now()
      const recorder = new GenerationRecorder(
        id,
        store,
        config.generations.maxBytes,
        () => ctx.abort.abort(),
        (end) => ended(end),
      )
      const ended = logEnd(ctx, id, recorder, started)
      registry.add(id, owner, recorder)
      produce(recorder).catch((error: unknown) => recorder.fail(error))
      const early = await recorder.started()
      if (early !== null) {
        if (!res.destroyed) sendError(res, early)
        return
      }
      if (!res.destroyed) await follow(res, id, after)
    },

    async stream(req, res, userId, id) {
      const info = await fromStore(store.info(id))
      if (!info || info.owner !== readerOf(userId)) throw notFound()
      await follow(res, id, lastEventIdOf(req))
    },

    async cancel(userId, id) {
      const info = await fromStore(store.info(id))
      if (!info || info.owner !== readerOf(userId)) throw notFound()
      if (info.endId !== null) return { id, cancelled: false }
      if (!registry.stop(id, cancelled())) await store.requestCancel(id)
      return { id, cancelled: true }
    },

    async close() {
      const shutdown = new RelayError(503, 'relay_shutting_down', 'The relay is restarting, please retry')
      registry.stopAll(shutdown)
      readersEnded = (async () => {
        await store.flush()
        const ending = [...readers].map((reader) => reader.close(shutdown))
        await Promise.race([Promise.all(ending), new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref())])
      })()
      await readersEnded
      registry.close()
      await store.close()
    },
    readersEnded: () => readersEnded,
  }
  return generations
}
