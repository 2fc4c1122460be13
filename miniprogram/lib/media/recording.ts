/** Shortest recording worth transcribing: anything shorter is a slip of the finger. */
export const MIN_RECORDING_MS = 1000

/** WeChat's recorder stops itself here; the relay refuses longer audio. */
export const MAX_RECORDING_MS = 60_000

/** How far (px) the finger must slide up from the 🎤 button to cancel the recording. */
export const CANCEL_SLIDE_PX = 60

/** What the hold-to-talk button shows, from how long it has recorded and where the finger is. */
export function recordingHint(elapsedMs: number, cancelling: boolean): string {
  if (cancelling) return '松开手指，取消发送'
  const left = Math.ceil((MAX_RECORDING_MS - elapsedMs) / 1000)
  return left <= 10 ? `还可以说 ${Math.max(0, left)} 秒` : '松开发送，上滑取消'
}

/** `m:ss` of a duration, for the live counter. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/**
 * A 0–1 loudness level from a recorded frame (16-bit PCM little-endian), for the live meter:
 * the RMS mapped logarithmically, so speech moves it and silence rests near 0.
 */
export function frameLevel(frame: ArrayBuffer): number {
  const samples = new Int16Array(frame, 0, Math.floor(frame.byteLength / 2))
  if (samples.length === 0) return 0
  let sum = 0
  for (const s of samples) sum += s * s
  const rms = Math.sqrt(sum / samples.length) / 32768
  if (rms <= 0) return 0
  return Math.min(1, Math.max(0, 1 + Math.log10(rms) / 3))
}
