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
  /**
   * Decodes one chunk (or `bytes[start, end)` of it, sparing a subarray per call);
   * bytes of an unfinished character wait for the next call.
   */
  decode(bytes: Uint8Array, start?: number, end?: number): string
  /** Ends the stream: an unfinished character becomes U+FFFD. */
  flush(): string
}

const REPLACEMENT = 0xfffd
const BOM = 0xfeff
/** `String.fromCharCode.apply` takes its arguments on the stack: convert in slices. */
const SLICE = 8192

/**
 * Code units → string. A plain array (not a Uint16Array) because engines pass
 * packed arrays to `apply` much faster than typed arrays.
 */
function fromCodes(codes: number[], count: number): string {
  if (count <= SLICE) return String.fromCharCode.apply(null, codes)
  // Long chunks: join slices at the end rather than growing one string slice by slice.
  const parts: string[] = []
  for (let i = 0; i < count; i += SLICE)
    parts.push(String.fromCharCode.apply(null, codes.slice(i, i + SLICE)))
  return parts.join('')
}

/**
 * The decoder's state machine. The hot loop works on locals and writes the
 * state back once per call, rather than touching fields byte by byte.
 */
class StreamingUtf8Decoder implements Utf8Decoder {
  private codePoint = 0
  private bytesSeen = 0
  private bytesNeeded = 0
  private lowerBoundary = 0x80
  private upperBoundary = 0xbf
  private atStart = true
  // Reused between calls: a chat stream decodes thousands of small chunks.
  private readonly units: number[] = []

  private finishText(text: string): string {
    if (this.atStart && text !== '') {
      this.atStart = false
      if (text.charCodeAt(0) === BOM) return text.slice(1)
    }
    return text
  }

  decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
    if (start >= end) return ''
    const units = this.units
    let n = 0
    let i = start
    // ASCII needs no state machine: copy a run of it straight through.
    if (this.bytesNeeded === 0) {
      while (i < end && (bytes[i] as number) < 0x80) units[n++] = bytes[i++] as number
    }
    let { codePoint, bytesSeen, bytesNeeded, lowerBoundary, upperBoundary } = this
    while (i < end) {
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
    this.codePoint = codePoint
    this.bytesSeen = bytesSeen
    this.bytesNeeded = bytesNeeded
    this.lowerBoundary = lowerBoundary
    this.upperBoundary = upperBoundary
    if (n === 0) return ''
    units.length = n
    return this.finishText(fromCodes(units, n))
  }

  flush(): string {
    if (this.bytesNeeded === 0) return ''
    this.codePoint = this.bytesNeeded = this.bytesSeen = 0
    this.lowerBoundary = 0x80
    this.upperBoundary = 0xbf
    return this.finishText(String.fromCharCode(REPLACEMENT))
  }
}

/**
 * Creates a streaming decoder; one leading BOM is stripped, like TextDecoder's
 * default. Call `decode`/`flush` as methods (they use `this`).
 */
export function createUtf8Decoder(): Utf8Decoder {
  return new StreamingUtf8Decoder()
}
