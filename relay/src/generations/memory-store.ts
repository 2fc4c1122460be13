import { type FrameBatch, type FrameStore, type FrameStoreOptions, READ_BATCH } from './frame-store'
import { createWatchers } from './watchers'

interface Entry {
  owner: string
  /** The frames of a live generation, each as recorded. */
  frames: Buffer[]
  /** Once ended: every frame in one buffer, frame n at offsets[n-1]…offsets[n] (see `pack`). */
  packed: { data: Buffer; offsets: Uint32Array } | null
  endId: number | null
  /** When it may be forgotten: TTL after its end, or `liveTtlMs` after its last frame while live. */
  expiresAt: number
}

/** How often expired generations are dropped; lookups check expiry themselves, so this only frees memory. */
const SWEEP_MS = 1000

const EMPTY = Buffer.alloc(0)

/** The memory store, plus what the Redis store needs of it as its mirror of the generations running here. */
export interface MemoryFrameStore extends FrameStore {
  /** Whether `id` is held here. */
  has(id: string): boolean
  /** Drops `id` now (the Redis store, once its frames are all in Redis). */
  forget(id: string): void
}

/**
 * Frames in this process's memory: one relay instance (or every worker its own, when no Redis is
 * shared). Reads are synchronous underneath: a reader following a live answer is written to in the
 * same turn as the frame was recorded.
 */
export function createMemoryFrameStore(options: FrameStoreOptions): MemoryFrameStore {
  const entries = new Map<string, Entry>()
  const watchers = createWatchers()
  const cancelListeners: Array<(id: string) => void> = []
  const live = (id: string): Entry | null => {
    const entry = entries.get(id)
    if (!entry) return null
    if (entry.expiresAt > options.now()) return entry
    entries.delete(id)
    return null
  }
  const sweep = setInterval(() => {
    for (const id of entries.keys()) live(id)
  }, SWEEP_MS)
  sweep.unref()
  const readNow = (id: string, after: number): FrameBatch | null => {
    const entry = live(id)
    if (!entry) return null
    const packed = entry.packed
    if (packed) {
      const last = Math.min(after + READ_BATCH, packed.offsets.length - 1)
      if (last <= after) return { data: EMPTY, count: 0, endId: entry.endId }
      const data = packed.data.subarray(packed.offsets[after], packed.offsets[last])
      return { data, count: last - after, endId: entry.endId }
    }
    const frames = entry.frames
    // A follower asks for the one frame just recorded: that Buffer as it is, no copy.
    if (after === frames.length - 1) return { data: frames[after] as Buffer, count: 1, endId: entry.endId }
    const batch = frames.slice(after, after + READ_BATCH)
    return {
      data: batch.length === 0 ? EMPTY : Buffer.concat(batch),
      count: batch.length,
      endId: entry.endId,
    }
  }
  return {
    async create(id, owner) {
      if (live(id)) return false
      entries.set(id, {
        owner,
        frames: [],
        packed: null,
        endId: null,
        expiresAt: options.now() + options.liveTtlMs,
      })
      return true
    },
    async info(id) {
      const entry = live(id)
      return entry ? { owner: entry.owner, endId: entry.endId } : null
    },
    append(id, _firstId, frames) {
      const entry = entries.get(id)
      if (!entry) return
      for (const frame of frames) entry.frames.push(frame)
      if (entry.endId === null) entry.expiresAt = options.now() + options.liveTtlMs
      watchers.notify(id)
    },
    end(id, lastId) {
      const entry = entries.get(id)
      if (!entry) return
      entry.endId = lastId
      entry.expiresAt = options.now() + options.ttlMs
      entry.packed = pack(entry.frames)
      entry.frames = []
      watchers.notify(id)
    },
    async read(id, after) {
      return readNow(id, after)
    },
    readNow,
    async watch(id, callback) {
      return watchers.add(id, callback)
    },
    async requestCancel(id) {
      for (const listener of cancelListeners) listener(id)
    },
    onCancelRequest(callback) {
      cancelListeners.push(callback)
    },
    async flush() {},
    async close() {
      clearInterval(sweep)
      entries.clear()
      watchers.clear()
    },
    has: (id) => live(id) !== null,
    forget(id) {
      entries.delete(id)
    },
  }
}

/**
 * A finished generation kept for its TTL as one buffer and an offset table instead of a Buffer per
 * frame: a few bytes of index per frame instead of a ~100-byte object, and no 8 KB pool slabs kept
 * alive by small frames that were carved from them next to other, dead, allocations.
 */
function pack(frames: Buffer[]): { data: Buffer; offsets: Uint32Array } {
  const offsets = new Uint32Array(frames.length + 1)
  let size = 0
  frames.forEach((frame, i) => {
    offsets[i] = size
    size += frame.length
  })
  offsets[frames.length] = size
  // Not from the pool: this buffer lives for the TTL on its own.
  const data = Buffer.allocUnsafeSlow(size)
  frames.forEach((frame, i) => {
    frame.copy(data, offsets[i])
  })
  return { data, offsets }
}
