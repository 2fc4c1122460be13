/** An image the relay accepts, recognised by its bytes (never by a file name or a declared type). */
export interface ImageFacts {
  type: 'image/jpeg' | 'image/png' | 'image/webp'
  width: number
  height: number
}

function png(b: Buffer): ImageFacts | null {
  // Signature, then the IHDR chunk: width and height as big-endian 32-bit integers.
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.readUInt32BE(4) !== 0x0d0a1a0a) return null
  if (b.toString('latin1', 12, 16) !== 'IHDR') return null
  return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

function jpeg(b: Buffer): ImageFacts | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  // Walk the markers to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC).
  let at = 2
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return null
    const marker = b[at + 1] as number
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2
      continue
    }
    const length = b.readUInt16BE(at + 2)
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isFrame) return { type: 'image/jpeg', height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) }
    if (length < 2) return null
    at += 2 + length
  }
  return null
}

function webp(b: Buffer): ImageFacts | null {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP')
    return null
  const chunk = b.toString('latin1', 12, 16)
  if (chunk === 'VP8X')
    return { type: 'image/webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21)
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { type: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff }
  }
  return null
}

/** The image `bytes` are, with its size; null for anything that is not JPEG, PNG or WebP. */
export function sniffImage(bytes: Buffer): ImageFacts | null {
  const facts = png(bytes) ?? jpeg(bytes) ?? webp(bytes)
  return facts && facts.width > 0 && facts.height > 0 ? facts : null
}
