/**
 * Counters with an absolute expiry. Quota windows are fixed (a minute, a Shanghai day), so each
 * counter lives in a key named after its window and simply expires when the window is over.
 */
export interface QuotaStore {
  /** Adds `amount` to the counter and returns the new total; the key expires at `expireAtMs`. */
  add(key: string, amount: number, expireAtMs: number): Promise<number>
  /** The counter's current value (0 when absent or expired). */
  get(key: string): Promise<number>
  close(): Promise<void>
}

/** In-process counters: right for one relay instance (use Redis for several). */
export function createMemoryQuotaStore(now: () => number = Date.now): QuotaStore {
  const counters = new Map<string, { value: number; expireAt: number }>()
  const live = (key: string): { value: number; expireAt: number } | undefined => {
    const entry = counters.get(key)
    if (entry && entry.expireAt <= now()) {
      counters.delete(key)
      return undefined
    }
    return entry
  }
  return {
    async add(key, amount, expireAtMs) {
      // Expired windows are swept lazily so a long-running relay doesn't keep every past minute.
      if (counters.size > 50_000) for (const k of [...counters.keys()]) live(k)
      const entry = live(key) ?? { value: 0, expireAt: expireAtMs }
      entry.value += amount
      entry.expireAt = expireAtMs
      counters.set(key, entry)
      return entry.value
    },
    async get(key) {
      return live(key)?.value ?? 0
    },
    async close() {
      counters.clear()
    },
  }
}
