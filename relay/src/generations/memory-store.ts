import {
  type FrameBatch,
  type FrameStore,
  type FrameStoreOptions,
  frameHeader,
  READ_BATCH,
} from './frame-store'
import { createWatchers } from './watchers'

interface Entry {
  owner: string
  /**
   * Every frame back to back, frame n at offsets[n-1]…offsets[n]. One growing buffer per generation
   * instead of a Buffer per frame: recording an event leaves no object behind for the garbage
   * collector to copy while the answer runs (at a thousand streams, surviving per-event objects are
   * what made young-generation pauses, and every stream's latency, grow).
   */
  data: Buffer
  size: number
  offsets: Uint32Array
  count: number
  endId: number | null
  /** When it may be forgotten: TTL after its end, or `liveTtlMs` after its last frame while live. */
  expiresAt: number
}

/** How often expired generations are dropped; lookups check expiry themselves, so this only frees memory. */
const SWEEP_MS = 1000

const EMPTY = Buffer.alloc(0)
/** First capacity of a generation's buffer (it doubles as needed): a short answer's size. */
const FIRST_BYTES = 8 * 1024

/** The memory store, plus what the Redis store needs of it as its mirror of the generations running here. */
export interface MemoryFrameStore extends FrameStore {
  /** Whether `id` is held here. */
  has(id: string): boolean
  /** Drops `id` now (the Redis store, once its frames are all in Redis). */
  forget(id: string): void
  /** Views of frames `first`…`first + count - 1` as stored (the Redis store writes them on). */
  frames(id: string, first: number, count: number): Buffer[]
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
    const last = Math.min(after + READ_BATCH, entry.count)
    if (last <= after) return { data: EMPTY, count: 0, endId: entry.endId }
    const data = entry.data.subarray(entry.offsets[after], entry.offsets[last])
    return { data, count: last - after, endId: entry.endId }
  }
  return {
    async create(id, owner) {
      if (live(id)) return false
      entries.set(id, {
        owner,
        // Not from the pool: it lives as long as the generation, on its own.
        data: Buffer.allocUnsafeSlow(FIRST_BYTES),
        size: 0,
        offsets: new Uint32Array(64),
        count: 0,
        endId: null,
        expiresAt: options.now() + options.liveTtlMs,
      })
      return true
    },
    async info(id) {
      const entry = live(id)
      return entry ? { owner: entry.owner, endId: entry.endId } : null
    },
    append(id, firstId, events) {
      const entry = entries.get(id)
      if (!entry) return
      for (let i = 0; i < events.length; i++) add(entry, frameHeader(firstId + i), events[i] as Buffer)
      if (entry.endId === null) entry.expiresAt = options.now() + options.liveTtlMs
      watchers.notify(id)
    },
    end(id, lastId) {
      const entry = entries.get(id)
      if (!entry) return
      entry.endId = lastId
      entry.expiresAt = options.now() + options.ttlMs
      trim(entry)
      watchers.notify(id)
    },
    async read(id, after) {
      return readNow(id, after)
    },
    readNow,
    async watch(id, callback) {
      return watchers.add(id, callback)
    },
    touch() {},
    async seenElsewhere() {
      return null
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
    frames(id, first, count) {
      const entry = entries.get(id)
      if (!entry) return []
      const views: Buffer[] = []
      for (let n = first; n < first + count && n <= entry.count; n++) {
        views.push(entry.data.subarray(entry.offsets[n - 1], entry.offsets[n]))
      }
      return views
    },
  }
}

/** Writes `header` + `event` in, growing the buffer and the offset table by doubling (amortised O(1)). */
function add(entry: Entry, header: string, event: Buffer): void {
  const size = header.length + event.length
  if (entry.size + size > entry.data.length) {
    const grown = Buffer.allocUnsafeSlow(Math.max(entry.data.length * 2, entry.size + size))
    entry.data.copy(grown, 0, 0, entry.size)
    entry.data = grown
  }
  if (entry.count + 1 >= entry.offsets.length) {
    const grown = new Uint32Array(entry.offsets.length * 2)
    grown.set(entry.offsets)
    entry.offsets = grown
  }
  entry.data.write(header, entry.size, 'latin1')
  event.copy(entry.data, entry.size + header.length)
  entry.size += size
  entry.count++
  entry.offsets[entry.count] = entry.size
}

/** A finished generation is kept for its TTL at its exact size, not with the room it had to grow. */
function trim(entry: Entry): void {
  const data = Buffer.allocUnsafeSlow(entry.size)
  entry.data.copy(data, 0, 0, entry.size)
  entry.data = data
  entry.offsets = entry.offsets.slice(0, entry.count + 1)
}
