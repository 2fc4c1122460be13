/**
 * Incremental UTF-8 → UTF-16 decoding, written by hand because `TextDecoder`
 * does not exist on real WeChat devices.
 *
 * It follows the WHATWG Encoding "UTF-8 decoder" state machine exactly, so its
 * output (including where U+FFFD replaces invalid bytes) matches
 * `new TextDecoder('utf-8').decode(bytes, { stream: true })`. A character split
 * across chunks is carried in the state (at most 3 bytes' worth), never lost.
 */
export interface Utf8Decoder {
  /** Decodes one chunk; bytes of an unfinished character wait for the next call. */
  decode(bytes: Uint8Array): string
  /** Ends the stream: an unfinished character becomes U+FFFD. */
  flush(): string
}

const REPLACEMENT = 0xfffd
const BOM = 0xfeff
/** `String.fromCharCode.apply` takes its arguments on the stack: convert in slices. */
const SLICE = 8192

/** Creates a streaming decoder; one leading BOM is stripped, like TextDecoder's default. */
export function createUtf8Decoder(): Utf8Decoder {
  let codePoint = 0
  let bytesSeen = 0
  let bytesNeeded = 0
  let lowerBoundary = 0x80
  let upperBoundary = 0xbf
  let atStart = true
  // Reused between calls: a chat stream decodes thousands of small chunks.
  let units = new Uint16Array(256)

  function toText(count: number): string {
    let start = 0
    if (atStart && count > 0) {
      atStart = false
      if (units[0] === BOM) start = 1
    }
    if (count - start <= SLICE) {
      return String.fromCharCode.apply(null, units.subarray(start, count) as unknown as number[])
    }
    let text = ''
    for (let i = start; i < count; i += SLICE) {
      text += String.fromCharCode.apply(
        null,
        units.subarray(i, Math.min(i + SLICE, count)) as unknown as number[],
      )
    }
    return text
  }

  function decode(bytes: Uint8Array): string {
    // Each byte yields at most one code unit, plus one for a surrogate pair or a
    // replacement that completes a sequence carried over from the last chunk.
    if (units.length < bytes.length + 2) units = new Uint16Array(bytes.length + 2)
    let n = 0
    let i = 0
    const length = bytes.length
    while (i < length) {
      const byte = bytes[i] as number
      if (bytesNeeded === 0) {
        i++
        if (byte < 0x80) {
          units[n++] = byte
        } else if (byte >= 0xc2 && byte <= 0xdf) {
          bytesNeeded = 1
          codePoint = byte & 0x1f
        } else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) lowerBoundary = 0xa0
          else if (byte === 0xed) upperBoundary = 0x9f
          bytesNeeded = 2
          codePoint = byte & 0x0f
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) lowerBoundary = 0x90
          else if (byte === 0xf4) upperBoundary = 0x8f
          bytesNeeded = 3
          codePoint = byte & 0x07
        } else {
          units[n++] = REPLACEMENT
        }
        continue
      }
      if (byte < lowerBoundary || byte > upperBoundary) {
        // Not a continuation: the pending sequence is broken. Emit one U+FFFD and
        // look at this same byte again as the start of something new.
        codePoint = bytesNeeded = bytesSeen = 0
        lowerBoundary = 0x80
        upperBoundary = 0xbf
        units[n++] = REPLACEMENT
        continue
      }
      i++
      lowerBoundary = 0x80
      upperBoundary = 0xbf
      codePoint = (codePoint << 6) | (byte & 0x3f)
      if (++bytesSeen === bytesNeeded) {
        if (codePoint > 0xffff) {
          const offset = codePoint - 0x10000
          units[n++] = 0xd800 + (offset >> 10)
          units[n++] = 0xdc00 + (offset & 0x3ff)
        } else {
          units[n++] = codePoint
        }
        codePoint = bytesNeeded = bytesSeen = 0
      }
    }
    return n === 0 ? '' : toText(n)
  }

  function flush(): string {
    if (bytesNeeded === 0) return ''
    codePoint = bytesNeeded = bytesSeen = 0
    lowerBoundary = 0x80
    upperBoundary = 0xbf
    units[0] = REPLACEMENT
    return toText(1)
  }

  return { decode, flush }
}
