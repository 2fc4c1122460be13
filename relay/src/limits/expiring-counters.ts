/** Counters with an absolute expiry, kept in this process. */
export interface ExpiringCounters {
  /** Adds `amount` and returns the new value; the counter expires at `expireAt` (epoch ms). */
  add(key: string, amount: number, expireAt: number): number
  /** The counter's value; 0 when absent or expired. */
  get(key: string): number
  /** Counters held now (expired ones until the next sweep). */
  readonly size: number
  /** Drops every expired counter (the background sweep does this every second). */
  sweep(): void
  /** Stops the background sweep and forgets everything. */
  close(): void
}

interface Entry {
  value: number
  expireAt: number
}

/** Expiries are grouped by the second they fall in: the sweep visits only the seconds that have passed. */
const BUCKET_MS = 1000
const SWEEP_MS = 1000

/**
 * In-memory counters, O(1) per operation whatever their number: a Map for the values, and a Set of
 * keys per second of expiry that a background sweep empties as those seconds pass (counters die
 * when their window ends, not at the next scan of everything). At most `maxKeys` are kept: past
 * that the oldest counter is dropped, so a flood of new keys costs a bounded amount of memory
 * (and at worst resets the oldest client's count).
 */
export function createExpiringCounters(maxKeys: number, now: () => number = Date.now): ExpiringCounters {
  const entries = new Map<string, Entry>()
  const buckets = new Map<number, Set<string>>()
  const file = (key: string, expireAt: number): void => {
    const bucket = Math.ceil(expireAt / BUCKET_MS)
    let keys = buckets.get(bucket)
    if (!keys) {
      keys = new Set()
      buckets.set(bucket, keys)
    }
    keys.add(key)
  }
  const live = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key)
    if (entry && entry.expireAt <= at) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const sweep = (): void => {
    const at = now()
    const passed = Math.floor(at / BUCKET_MS)
    for (const [bucket, keys] of buckets) {
      if (bucket > passed) continue
      // A key filed here may have moved to a later expiry since: `live` only drops what expired.
      for (const key of keys) live(key, at)
      buckets.delete(bucket)
    }
  }
  const timer = setInterval(sweep, SWEEP_MS)
  timer.unref()
  return {
    add(key, amount, expireAt) {
      let entry = live(key, now())
      if (!entry) {
        if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string)
        entry = { value: 0, expireAt }
        entries.set(key, entry)
        file(key, expireAt)
      } else if (Math.ceil(entry.expireAt / BUCKET_MS) !== Math.ceil(expireAt / BUCKET_MS)) {
        file(key, expireAt)
      }
      entry.value += amount
      entry.expireAt = expireAt
      return entry.value
    },
    get(key) {
      return live(key, now())?.value ?? 0
    },
    get size() {
      return entries.size
    },
    sweep,
    close() {
      clearInterval(timer)
      entries.clear()
      buckets.clear()
    },
  }
}
