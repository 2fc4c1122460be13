/** A setData payload: data paths (`messages[3].blocks[2]`) to their new values. */
export type Patch = Record<string, unknown>

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Arrays that shrink are resent whole only up to this size; bigger ones get `null` tombstones. */
export const SHRINK_RESEND_LIMIT = 1024

/**
 * Adds to `out` the smallest set of path updates that turns `prev` into
 * `next`. Arrays that grow or change in place are updated per index, and
 * objects with the same keys per key, so a growing code block sends only its
 * last line instead of the whole block. Keys added or removed and type
 * changes replace the value at `path`.
 *
 * setData cannot delete by path, so an array that shrank is either resent
 * whole (when small) or updated in place with its removed tail set to `null`:
 * the templates skip null items (`wx:if="{{item}}"` under every `wx:for`).
 * That keeps a closing code fence (which drops the open block's empty last
 * line) from resending the whole block.
 */
export function diffInto(prev: unknown, next: unknown, path: string, out: Patch): void {
  if (prev === next) return
  if (Array.isArray(prev) && Array.isArray(next)) {
    if (next.length < prev.length) {
      if (JSON.stringify(next).length <= SHRINK_RESEND_LIMIT) {
        out[path] = next
        return
      }
      for (let i = 0; i < next.length; i++) diffInto(prev[i], next[i], `${path}[${i}]`, out)
      for (let i = next.length; i < prev.length; i++) if (prev[i] !== null) out[`${path}[${i}]`] = null
      return
    }
    for (let i = 0; i < next.length; i++) {
      if (i < prev.length) diffInto(prev[i], next[i], `${path}[${i}]`, out)
      else out[`${path}[${i}]`] = next[i]
    }
    return
  }
  if (isPlainObject(prev) && isPlainObject(next)) {
    const prevKeys = Object.keys(prev)
    const nextKeys = Object.keys(next)
    if (prevKeys.length !== nextKeys.length || nextKeys.some((key) => !(key in prev))) {
      out[path] = next
      return
    }
    for (const key of nextKeys) diffInto(prev[key], next[key], `${path}.${key}`, out)
    return
  }
  out[path] = next
}

/** Bytes a patch costs to send (its JSON, in UTF-16 units as the bridge measures it). */
export function patchSize(patch: Patch): number {
  return JSON.stringify(patch).length
}

/** Largest patch sent in one setData: under the 4 KB target with room for the page's own keys. */
export const PATCH_MAX_CHARS = 3500

function cost(key: string, value: unknown): number {
  // `"key":value,` in the piece's JSON.
  return JSON.stringify(key).length + JSON.stringify(value ?? null).length + 2
}

/**
 * One key whose value alone is over the limit (a whole code block or table that appeared within
 * one merge window) → the same data as several paths: the container first, with its large arrays
 * and objects empty, then each of their items at its own path. Only a single string too long for
 * one setData stays as it is.
 */
function expand(key: string, value: unknown, maxChars: number): [string, unknown][] {
  if (cost(key, value) <= maxChars || typeof value !== 'object' || value === null) return [[key, value]]
  if (Array.isArray(value)) {
    return [[key, []], ...value.flatMap((item, i) => expand(`${key}[${i}]`, item, maxChars))]
  }
  const shell: Record<string, unknown> = {}
  const later: [string, unknown][] = []
  for (const [field, inner] of Object.entries(value as Record<string, unknown>)) {
    if (typeof inner === 'object' && inner !== null && cost(field, inner) > maxChars / 4) {
      shell[field] = Array.isArray(inner) ? [] : {}
      later.push(...expand(`${key}.${field}`, inner, maxChars))
    } else shell[field] = inner
  }
  return [[key, shell], ...later]
}

/**
 * Splits `patch` into pieces of at most `maxChars` (greedily, keys in order),
 * for a burst that brought more text than one setData should carry (a slow
 * phone, a network that delivers a large chunk at once). The paths of one
 * diff never overlap, so the pieces can be applied one after another; a key
 * too large on its own is sent as its parts (see `expand`).
 */
export function splitPatch(patch: Patch, maxChars = PATCH_MAX_CHARS): Patch[] {
  const pieces: Patch[] = []
  let piece: Patch = {}
  let size = 2
  for (const [key, value] of Object.entries(patch).flatMap(([k, v]) => expand(k, v, maxChars))) {
    const entry = cost(key, value)
    if (size + entry > maxChars && Object.keys(piece).length > 0) {
      pieces.push(piece)
      piece = {}
      size = 2
    }
    piece[key] = value
    size += entry
  }
  if (Object.keys(piece).length > 0) pieces.push(piece)
  return pieces
}
