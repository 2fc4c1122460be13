/** True when `bytes` start with a RIFF/WAVE header (what the app records). */
export function isWav(bytes: Buffer): boolean {
  return (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WAVE'
  )
}

/** A WAV file's length in seconds from its header, or null for other formats (their size bounds them). */
export function wavSeconds(bytes: Buffer): number | null {
  if (bytes.length < 44 || !isWav(bytes)) return null
  const byteRate = bytes.readUInt32LE(28)
  return byteRate > 0 ? (bytes.length - 44) / byteRate : null
}
