/** A response header by name, case-insensitively (servers and platforms vary the case). */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted) continue
    if (typeof value === 'string') return value
    if (typeof value === 'number') return String(value)
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  }
  return undefined
}

/**
 * Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date),
 * rounded up, at least 1; undefined when absent or unreadable.
 */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(1, Math.ceil(Number(trimmed)))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(1, Math.ceil((date - now) / 1000))
}
