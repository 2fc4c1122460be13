import { Redis } from 'ioredis'
import type { FrameBatch, FrameStore, FrameStoreOptions } from './frame-store'
import { READ_BATCH } from './frame-store'
import { createMemoryFrameStore } from './memory-store'
import { CANCEL_CHANNEL, FRAMES_CHANNEL, generationKeys } from './redis-keys'
import { type BatchPart, createBatchWriter } from './redis-write'
import { createWatchers } from './watchers'

/** A generation past this many frames is cut by the recorder's byte cap long before; MAXLEN only guards Redis. */
const MAX_FRAMES = 200_000
/**
 * Appends are written this long after the first one of a batch: at a thousand streams one round
 * trip carries a hundred events instead of one. Only readers on other instances see the delay;
 * readers here read the mirror at once.
 */
const BATCH_MS = 5
/** A live generation's expiry is pushed back at most this often (it is minutes long; a PEXPIRE per event would double the commands). */
const REFRESH_MS = 5000

interface Pending {
  /** The number of `frames[0]`. */
  firstId: number
  frames: Buffer[]
  endId: number | null
}

/**
 * Frames in Redis Streams, shared by every relay instance on that Redis: any instance serves any
 * reader, byte-exact, while the generation runs on another.
 * - Writes: appends of a BATCH_MS window go out as one script call (./redis-write.ts: an XADD per
 *   frame, a PEXPIRE now and then, one PUBLISH naming the generations written): one round trip and
 *   one command per batch, whatever the number of frames or generations in it.
 * - Readers on this instance of a generation running here read a memory mirror of it (kept until
 *   its last frame is in Redis): the common case — the client reattaching to the instance that runs
 *   its answer — costs no Redis read per event.
 * - Readers elsewhere wait on the FRAMES_CHANNEL notification (one subscriber connection per
 *   instance, not a blocked connection per reader), then XRANGE from their position; a lost
 *   notification only delays a reader until its next poll.
 */
export function createRedisFrameStore(url: string, options: FrameStoreOptions): FrameStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, commandTimeout: 2000 })
  redis.on('error', () => undefined)
  const mirror = createMemoryFrameStore(options)
  let subscriber: Redis | null = null
  const watchers = createWatchers()
  const cancelListeners: Array<(id: string) => void> = []
  let pending = new Map<string, Pending>()
  let flushing: Promise<void> = Promise.resolve()
  let scheduled: NodeJS.Timeout | null = null
  /** When each live generation's expiry was last pushed back (the clock's time). */
  const refreshed = new Map<string, number>()

  const subscriberOf = (): Redis => {
    if (subscriber) return subscriber
    const sub = redis.duplicate()
    sub.on('error', () => undefined)
    sub.on('message', (channel: string, message: string) => {
      if (channel === CANCEL_CHANNEL) {
        for (const listener of cancelListeners) listener(message)
        return
      }
      for (const id of message.split(' ')) watchers.notify(id)
    })
    subscriber = sub
    return sub
  }
  let subscription: Promise<unknown> | null = null
  /** Both channels, subscribed once per instance (the first watch or cancel listener waits for it). */
  const subscribed = (): Promise<unknown> => {
    subscription ??= subscriberOf().subscribe(CANCEL_CHANNEL, FRAMES_CHANNEL)
    return subscription
  }

  const write = createBatchWriter(redis, MAX_FRAMES)
  const writeBatch = async (batch: Map<string, Pending>): Promise<void> => {
    const now = options.now()
    const parts = [...batch].map(([id, { firstId, frames, endId }]): BatchPart => {
      const last = refreshed.get(id)
      let ttlMs = 0
      if (endId !== null || last === undefined || now - last >= REFRESH_MS) {
        ttlMs = endId === null ? options.liveTtlMs : options.ttlMs
        if (endId === null) refreshed.set(id, now)
        else refreshed.delete(id)
      }
      return { id, firstId, frames, endId, ttlMs }
    })
    await write(parts)
    // Everything of an ended generation is in Redis now: its readers here can read it there.
    for (const [id, { endId }] of batch) if (endId !== null) mirror.forget(id)
  }

  const schedule = (): void => {
    if (scheduled) return
    scheduled = setTimeout(() => {
      scheduled = null
      const batch = pending
      pending = new Map()
      // In order: a batch starts once the one before it is stored.
      flushing = flushing.then(() => writeBatch(batch)).catch(() => undefined)
    }, BATCH_MS)
  }

  const pendingOf = (id: string, firstId: number): Pending => {
    let entry = pending.get(id)
    if (!entry) {
      entry = { firstId, frames: [], endId: null }
      pending.set(id, entry)
    }
    return entry
  }

  const readRedis = async (id: string, after: number): Promise<FrameBatch | null> => {
    const results = await redis
      .pipeline()
      .hmget(generationKeys.meta(id), 'owner', 'end')
      .xrangeBuffer(generationKeys.frames(id), `${after + 1}-0`, '+', 'COUNT', READ_BATCH)
      .exec()
    const [meta, range] = (results ?? []).map(([error, value]) => {
      if (error) throw error
      return value
    }) as [Array<string | null>, Array<[Buffer, Buffer[]]>]
    if (!meta[0]) return null
    const frames = range.map(([, fields]) => fields[1] as Buffer)
    return { data: Buffer.concat(frames), count: frames.length, endId: meta[1] ? Number(meta[1]) : null }
  }

  return {
    async create(id, owner) {
      const meta = generationKeys.meta(id)
      // One round trip; the PEXPIRE of a lost race only pushes back an existing generation's expiry.
      const results = await redis
        .pipeline()
        .hsetnx(meta, 'owner', owner)
        .pexpire(meta, options.liveTtlMs)
        .exec()
      if (results?.[0]?.[1] !== 1) return false
      await mirror.create(id, owner)
      return true
    },
    async info(id) {
      if (mirror.has(id)) return mirror.info(id)
      const [owner, end] = await redis.hmget(generationKeys.meta(id), 'owner', 'end')
      if (!owner) return null
      return { owner, endId: end ? Number(end) : null }
    },
    append(id, firstId, events) {
      mirror.append(id, firstId, events)
      // The frames as the mirror laid them out: views, written on with the next batch.
      pendingOf(id, firstId).frames.push(...mirror.frames(id, firstId, events.length))
      schedule()
    },
    end(id, lastId) {
      mirror.end(id, lastId)
      pendingOf(id, lastId + 1).endId = lastId
      schedule()
    },
    read(id, after) {
      return mirror.has(id) ? mirror.read(id, after) : readRedis(id, after)
    },
    readNow(id, after) {
      return mirror.has(id) ? mirror.readNow(id, after) : undefined
    },
    async watch(id, callback) {
      // A generation running here notifies through its mirror; one running elsewhere through FRAMES_CHANNEL.
      if (mirror.has(id)) return mirror.watch(id, callback)
      await subscribed()
      return watchers.add(id, callback)
    },
    touch(id) {
      if (mirror.has(id)) return
      redis.set(generationKeys.seen(id), options.now(), 'PX', options.liveTtlMs).catch(() => undefined)
    },
    async seenElsewhere(id) {
      const seen = await redis.get(generationKeys.seen(id))
      return seen === null ? null : Number(seen)
    },
    async requestCancel(id) {
      await redis.publish(CANCEL_CHANNEL, id)
    },
    onCancelRequest(callback) {
      cancelListeners.push(callback)
      subscribed().catch(() => undefined)
    },
    async flush() {
      if (scheduled) {
        clearTimeout(scheduled)
        scheduled = null
        const batch = pending
        pending = new Map()
        flushing = flushing.then(() => writeBatch(batch)).catch(() => undefined)
      }
      await flushing
    },
    async close() {
      await this.flush()
      await mirror.close()
      watchers.clear()
      subscriber?.disconnect()
      redis.disconnect()
    },
  }
}
