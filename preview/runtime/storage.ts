/** wx storage on localStorage: JSON values under a `wx:` prefix, WeChat's 1 MB-per-key limit enforced. */

const PREFIX = 'wx:'
const KEY_LIMIT = 1024 * 1024
const TOTAL_KB = 10 * 1024

function keys(): string[] {
  const out: string[] = []
  for (let i = 0; i < localStorage.length; i += 1) {
    const k = localStorage.key(i)
    if (k?.startsWith(PREFIX)) out.push(k.slice(PREFIX.length))
  }
  return out
}

/** The storage half of the wx shim. */
export const storage = {
  getStorageSync(key: string): unknown {
    const raw = localStorage.getItem(PREFIX + key)
    if (raw === null) return ''
    try {
      return JSON.parse(raw)
    } catch {
      return ''
    }
  },
  setStorageSync(key: string, data: unknown): void {
    const raw = JSON.stringify(data === undefined ? null : data)
    if (raw.length > KEY_LIMIT) throw new Error('setStorageSync:fail entry size limit reached')
    try {
      localStorage.setItem(PREFIX + key, raw)
    } catch {
      throw new Error('setStorageSync:fail exceed storage max size 10Mb')
    }
  },
  removeStorageSync(key: string): void {
    localStorage.removeItem(PREFIX + key)
  },
  clearStorageSync(): void {
    for (const k of keys()) localStorage.removeItem(PREFIX + k)
  },
  getStorageInfoSync(): { keys: string[]; currentSize: number; limitSize: number } {
    const all = keys()
    const bytes = all.reduce((n, k) => n + k.length + (localStorage.getItem(PREFIX + k)?.length ?? 0), 0)
    return { keys: all, currentSize: Math.ceil(bytes / 1024), limitSize: TOTAL_KB }
  },
}
