import { createExpiringCounters } from './expiring-counters'

/** A hold on part of a daily budget for one request in flight. */
export interface Reservation {
  /** The counter of what was spent (tokens, today). */
  usedKey: string
  /** Where the holds of requests in flight are kept. */
  holdsKey: string
  /** The request's own id (unique). */
  id: string
  /** The most the request may spend. */
  amount: number
  /** Admitted only while spent + held stays below this before the hold is added. */
  limit: number
  /** When a hold never settled (a crashed instance) stops counting. */
  holdExpireAt: number
}

/** What `reserve` saw: whether the hold was taken, and the totals before it. */
export interface ReserveOutcome {
  admitted: boolean
  used: number
  held: number
}

/**
 * Counters with an absolute expiry, and holds on a budget. Quota windows are fixed (a minute, a
 * Shanghai day), so each counter lives in a key named after its window and expires with it.
 */
export interface QuotaStore {
  /** Adds `amount` to the counter and returns the new total; the key expires at `expireAtMs`. */
  add(key: string, amount: number, expireAtMs: number): Promise<number>
  /** The counter's current value (0 when absent or expired). */
  get(key: string): Promise<number>
  /**
   * Atomically: drops expired holds; if spent + held is below `limit`, holds `amount` for the
   * request. Concurrent requests therefore overshoot the limit by at most one request's amount.
   */
  reserve(reservation: Reservation): Promise<ReserveOutcome>
  /** Releases the request's hold and adds what it really spent to `usedKey` (expiring at `expireAtMs`). */
  settle(reservation: Reservation, spent: number, expireAtMs: number): Promise<void>
  close(): Promise<void>
}

/** Counters one relay process keeps by default (about 150 bytes each). */
export const MEMORY_MAX_KEYS = 200_000

/** In-process counters and holds: right for one relay instance (use Redis for several). */
export function createMemoryQuotaStore(now: () => number = Date.now, maxKeys = MEMORY_MAX_KEYS): QuotaStore {
  const counters = createExpiringCounters(maxKeys, now)
  /** Per holds key, each request's hold. A request always settles its own (onEnd), so these stay small. */
  const holds = new Map<string, Map<string, { amount: number; expireAt: number }>>()
  const liveHeld = (key: string): number => {
    const requests = holds.get(key)
    if (!requests) return 0
    let held = 0
    const at = now()
    for (const [id, hold] of requests) {
      if (hold.expireAt <= at) requests.delete(id)
      else held += hold.amount
    }
    if (requests.size === 0) holds.delete(key)
    return held
  }
  return {
    async add(key, amount, expireAtMs) {
      return counters.add(key, amount, expireAtMs)
    },
    async get(key) {
      return counters.get(key)
    },
    async reserve(r) {
      const used = counters.get(r.usedKey)
      const held = liveHeld(r.holdsKey)
      if (used + held >= r.limit) return { admitted: false, used, held }
      let requests = holds.get(r.holdsKey)
      if (!requests) {
        requests = new Map()
        holds.set(r.holdsKey, requests)
      }
      requests.set(r.id, { amount: r.amount, expireAt: r.holdExpireAt })
      return { admitted: true, used, held }
    },
    async settle(r, spent, expireAtMs) {
      const requests = holds.get(r.holdsKey)
      requests?.delete(r.id)
      if (requests?.size === 0) holds.delete(r.holdsKey)
      if (spent > 0) counters.add(r.usedKey, spent, expireAtMs)
    },
    async close() {
      counters.close()
      holds.clear()
    },
  }
}
