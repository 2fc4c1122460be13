/** Callbacks per generation id: who to tell when frames of a generation may have been added. */
export interface Watchers {
  /** Adds `callback` for `id`; returns the function that removes it. */
  add(id: string, callback: () => void): () => void
  /** Calls every callback of `id`. */
  notify(id: string): void
  clear(): void
}

/** A map of callback sets that drops an id's set once it is empty (readers come and go by the thousand). */
export function createWatchers(): Watchers {
  const sets = new Map<string, Set<() => void>>()
  return {
    add(id, callback) {
      let set = sets.get(id)
      if (!set) {
        set = new Set()
        sets.set(id, set)
      }
      set.add(callback)
      return () => {
        set.delete(callback)
        if (set.size === 0 && sets.get(id) === set) sets.delete(id)
      }
    },
    notify(id) {
      const set = sets.get(id)
      if (set) for (const callback of set) callback()
    },
    clear: () => sets.clear(),
  }
}
