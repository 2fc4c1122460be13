import { Redis } from 'ioredis'
import type { FrameBatch, FrameStore, FrameStoreOptions } from './frame-store'
import { READ_BATCH } from './frame-store'
import { createMemoryFrameStore } from './memory-store'
import { CANCEL_CHANNEL, generationKeys, idOfNotifyChannel } from './redis-keys'

/** A generation past this many frames is cut by the recorder's byte cap long before; MAXLEN only guards Redis. */
const MAX_FRAMES = 200_000

interface Pending {
  /** The number of `frames[0]`. */
  firstId: number
  frames: Buffer[]
  endId: number | null
}

/**
 * Frames in Redis Streams, shared by every relay instance on that Redis: any instance serves any
 * reader, byte-exact, while the generation runs on another.
 * - Writes: appends made in one turn of the event loop go out as one pipeline (XADD per frame,
 *   PEXPIRE, PUBLISH): one round trip per tick, whatever the number of frames or generations.
 * - Readers on this instance of a generation running here read a memory mirror of it (kept until
 *   its last frame is in Redis): the common case — the client reattaching to the instance that runs
 *   its answer — costs no Redis read per event.
 * - Readers elsewhere wait on a pub/sub notification (one subscriber connection per instance, not a
 *   blocked connection per reader), then XRANGE from their position; the notification carries
 *   nothing, so a lost one only delays a reader until its next poll.
 */
export function createRedisFrameStore(url: string, options: FrameStoreOptions): FrameStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, commandTimeout: 2000 })
  redis.on('error', () => undefined)
  const mirror = createMemoryFrameStore(options)
  let subscriber: Redis | null = null
  const watchers = new Map<string, Set<() => void>>()
  const cancelListeners: Array<(id: string) => void> = []
  let pending = new Map<string, Pending>()
  let flushing: Promise<void> = Promise.resolve()
  let scheduled = false

  const subscriberOf = (): Redis => {
    if (subscriber) return subscriber
    const sub = redis.duplicate()
    sub.on('error', () => undefined)
    sub.on('message', (channel: string, message: string) => {
      if (channel === CANCEL_CHANNEL) {
        for (const listener of cancelListeners) listener(message)
        return
      }
      const id = idOfNotifyChannel(channel)
      for (const callback of (id && watchers.get(id)) || []) callback()
    })
    subscriber = sub
    return sub
  }

  const writeBatch = async (batch: Map<string, Pending>): Promise<void> => {
    const pipeline = redis.pipeline()
    for (const [id, { firstId, frames, endId }] of batch) {
      const key = generationKeys.frames(id)
      const meta = generationKeys.meta(id)
      // Frame numbers are the stream ids: "after n" is an XRANGE from n+1, on every instance alike.
      frames.forEach((frame, i) => {
        pipeline.xadd(key, 'MAXLEN', '~', MAX_FRAMES, `${firstId + i}-0`, 'f', frame)
      })
      if (endId !== null) pipeline.hset(meta, 'end', endId)
      const ttl = endId === null ? options.liveTtlMs : options.ttlMs
      pipeline.pexpire(key, ttl)
      pipeline.pexpire(meta, ttl)
      pipeline.publish(generationKeys.notify(id), '')
    }
    await pipeline.exec()
    // Everything of an ended generation is in Redis now: its readers here can read it there.
    for (const [id, { endId }] of batch) if (endId !== null) mirror.forget(id)
  }

  const schedule = (): void => {
    if (scheduled) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      const batch = pending
      pending = new Map()
      // In order: a batch starts once the one before it is stored.
      flushing = flushing.then(() => writeBatch(batch)).catch(() => undefined)
    })
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
      const created = await redis.hsetnx(meta, 'owner', owner)
      if (created !== 1) return false
      await redis.pexpire(meta, options.liveTtlMs)
      await mirror.create(id, owner)
      return true
    },
    async info(id) {
      if (mirror.has(id)) return mirror.info(id)
      const [owner, end] = await redis.hmget(generationKeys.meta(id), 'owner', 'end')
      if (!owner) return null
      return { owner, endId: end ? Number(end) : null }
    },
    append(id, firstId, frames) {
      mirror.append(id, firstId, frames)
      pendingOf(id, firstId).frames.push(...frames)
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
      // A generation running here notifies through its mirror (no pub/sub traffic for our own
      // frames); one running elsewhere through pub/sub.
      if (mirror.has(id)) return mirror.watch(id, callback)
      let set = watchers.get(id)
      if (!set) {
        set = new Set()
        watchers.set(id, set)
        await subscriberOf().subscribe(generationKeys.notify(id))
      }
      set.add(callback)
      return () => {
        set.delete(callback)
        if (set.size > 0 || watchers.get(id) !== set) return
        watchers.delete(id)
        subscriber?.unsubscribe(generationKeys.notify(id)).catch(() => undefined)
      }
    },
    async requestCancel(id) {
      await redis.publish(CANCEL_CHANNEL, id)
    },
    onCancelRequest(callback) {
      cancelListeners.push(callback)
      subscriberOf()
        .subscribe(CANCEL_CHANNEL)
        .catch(() => undefined)
    },
    async flush() {
      if (scheduled) await new Promise((resolve) => setImmediate(resolve))
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
