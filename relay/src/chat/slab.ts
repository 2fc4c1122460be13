/** Size of one slab: one ArrayBuffer serves about 200 streamed events. */
const SLAB_BYTES = 64 * 1024
/** Larger requests get a buffer of their own (a slab serves the small, frequent ones). */
const MAX_CARVED = 4 * 1024

let slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
let used = 0

/**
 * A small uninitialised buffer carved from a shared 64 KB slab. Node's own pool
 * (`Buffer.allocUnsafe`) is 8 KB, so at 20,000 events/s with two copies each it
 * still made ~3,000 ArrayBuffers a second, and sweeping ArrayBuffers is what
 * lengthens V8's young-generation pauses. The price: a slab lives as long as
 * any buffer carved from it, so nothing long-lived should be carved.
 */
export function carve(size: number): Buffer {
  if (size > MAX_CARVED) return Buffer.allocUnsafe(size)
  if (used + size > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
    used = 0
  }
  const out = slab.subarray(used, used + size)
  // 8-byte alignment, as Node's pool keeps it.
  used = (used + size + 7) & ~7
  return out
}
