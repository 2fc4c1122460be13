/** Photos are downscaled on the phone to this long side before upload (vision models tile at ~1.5k). */
export const MAX_LONG_SIDE = 1536

/** The size a `width × height` photo is compressed to: the long side at most `max`, aspect kept. */
export function fitLongSide(
  width: number,
  height: number,
  max = MAX_LONG_SIDE,
): { width: number; height: number } {
  const long = Math.max(width, height)
  if (long <= max || long === 0) return { width, height }
  const scale = max / long
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}
