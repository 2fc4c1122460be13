import { createUtf8Decoder, type Utf8Decoder } from './utf8'

/** Bytes → text, handed on whole lines at a time. */
export interface LineDecoder {
  /** Takes the next chunk; each complete line (with its line end) goes to `onLine`. */
  push(bytes: Uint8Array): void
}

/** Below this many shared bytes, slicing the previous line's text saves nothing. */
const MIN_SHARED = 16
const LF = 10
const CR = 13

/** `buffer`, or a copy of its first `keep` bytes with room for `needed` (a multiple of 4 bytes). */
function ensure(buffer: Uint8Array, needed: number, keep: number): Uint8Array {
  if (buffer.length >= needed) return buffer
  const bigger = new Uint8Array((Math.max(needed, buffer.length * 2) + 3) & ~3)
  bigger.set(buffer.subarray(0, keep))
  return bigger
}

/**
 * Copies `source[start, end)` to `target` at `at`. A plain loop for short runs:
 * `subarray` + `set` cost an object and a runtime call each, which for the
 * 64-byte chunks devices deliver is more than the copying itself.
 */
function copy(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  if (end - start > 128) {
    target.set(source.subarray(start, end), at)
    return
  }
  let to = at
  for (let i = start; i < end; i++) target[to++] = source[i] as number
}

/** Blank and short lines are not remembered: the next data line resembles the last data line. */
function worthRemembering(length: number): boolean {
  return length >= 2 * MIN_SHARED
}

/**
 * UTF-8 decoding cut at line ends (CR, LF or CRLF), for the SSE parser.
 *
 * Why lines: every event of a chat stream repeats the same ASCII JSON envelope
 * (`data: {"id":"chatcmpl-…","choices":[{"index":0,"delta":{"content":"` … `"}}]}`)
 * around a few characters of new text. Decoding by hand (there is no TextDecoder
 * on devices) costs far more per byte than comparing bytes, so the ASCII head
 * and tail a line shares with the previous data line are sliced from that
 * line's text and only the middle is decoded. The parser also gets whole lines,
 * never fragments to join. A line cut by chunk boundaries is copied once, in
 * the same pass that looks for its end; the current and previous line buffers
 * are swapped, not copied, and compared four bytes at a time.
 *
 * The text handed on is exactly what decoding the whole stream at once would
 * give (the tests compare against TextDecoder in any chunking). A line without
 * its line end waits for more bytes; at the end of the stream it is dropped, as
 * the SSE spec drops an unterminated last line anyway.
 */
class SharedPrefixLineDecoder implements LineDecoder {
  private readonly utf8: Utf8Decoder = createUtf8Decoder()
  private line: Uint8Array = new Uint8Array(1024)
  private lineLength = 0
  private previous: Uint8Array = new Uint8Array(1024)
  private previousLength = 0
  private previousText = ''
  // 32-bit views of the two buffers; both lines start at offset 0, so aligned.
  private line32 = new Uint32Array(this.line.buffer)
  private previous32 = new Uint32Array(this.previous.buffer)
  // Until a line went through the UTF-8 decoder, it must see every byte (BOM).
  private started = false

  constructor(private readonly onLine: (text: string) => void) {}

  private decodeLine(bytes: Uint8Array, start: number, end: number): string {
    const length = end - start
    if (this.started && length <= 2) {
      // Blank lines separate every two events: no decoder needed.
      if (length === 1 && bytes[start] === LF) return '\n'
      if (length === 2 && bytes[start] === CR && bytes[start + 1] === LF) return '\r\n'
    }
    this.started = true
    const previous = this.previous
    const previousLength = this.previousLength
    const limit = Math.min(length, previousLength)
    let head = 0
    if (bytes === this.line && start === 0) {
      const line32 = this.line32
      const previous32 = this.previous32
      const words = limit >> 2
      let w = 0
      while (w < words) {
        const word = line32[w] as number
        if (word !== previous32[w] || (word & 0x80808080) !== 0) break
        w++
      }
      head = w << 2
    }
    while (head < limit) {
      const byte = bytes[start + head] as number
      if (byte !== previous[head] || byte >= 0x80) break
      head++
    }
    if (head < MIN_SHARED) head = 0
    let tail = 0
    const tailLimit = Math.min(length - head, previousLength)
    while (tail < tailLimit) {
      const byte = bytes[end - 1 - tail] as number
      if (byte !== previous[previousLength - 1 - tail] || byte >= 0x80) break
      tail++
    }
    if (tail < MIN_SHARED) tail = 0
    // Exact because the decoder's state is clean at a line start and stays clean
    // over ASCII bytes, which always decode to themselves; a sequence the middle
    // leaves unfinished is broken by the tail's first (ASCII) byte: hence the
    // flush (U+FFFD) before the tail.
    const previousText = this.previousText
    let text = head > 0 ? previousText.slice(0, head) : ''
    text += this.utf8.decode(bytes, start + head, end - tail)
    if (tail > 0) text += this.utf8.flush() + previousText.slice(previousText.length - tail)
    return text
  }

  private reserve(needed: number, keep: number): void {
    if (this.line.length >= needed) return
    this.line = ensure(this.line, needed, keep)
    this.line32 = new Uint32Array(this.line.buffer)
  }

  /** `line[0, length)` is a complete line: hand it on, then keep it as the previous line. */
  private endLine(length: number): void {
    const text = this.decodeLine(this.line, 0, length)
    if (worthRemembering(length)) {
      const spare = this.line
      const spare32 = this.line32
      this.line = this.previous
      this.line32 = this.previous32
      this.previous = spare
      this.previous32 = spare32
      this.previousLength = length
      this.previousText = text
    }
    this.onLine(text)
  }

  push(bytes: Uint8Array): void {
    const n = bytes.length
    let i = 0
    while (i < n) {
      if (this.lineLength === 0) {
        // A line starting in this chunk: find its end before copying anything.
        let j = i
        while (j < n) {
          const byte = bytes[j] as number
          if (byte <= CR && (byte === LF || byte === CR)) break
          j++
        }
        if (j === n) {
          this.reserve(n - i, 0)
          copy(bytes, i, n, this.line, 0)
          this.lineLength = n - i
          return
        }
        // Keep a CRLF together when both are here; a CR at the chunk's end goes
        // on alone and the parser pairs it with the LF that starts the next.
        let end = j + 1
        if (bytes[j] === CR && end < n && bytes[end] === LF) end++
        if (worthRemembering(end - i)) {
          // Copied (it must outlive the caller's chunk anyway) into the aligned buffer.
          this.reserve(end - i, 0)
          copy(bytes, i, end, this.line, 0)
          this.endLine(end - i)
        } else {
          this.onLine(this.decodeLine(bytes, i, end))
        }
        i = end
        continue
      }
      // Continuing a line from earlier chunks: copy while looking for its end.
      this.reserve(this.lineLength + n - i, this.lineLength)
      const buffer = this.line
      let at = this.lineLength
      let ended = false
      while (i < n) {
        const byte = bytes[i++] as number
        buffer[at++] = byte
        if (byte <= CR && (byte === LF || byte === CR)) {
          if (byte === CR && i < n && bytes[i] === LF) buffer[at++] = bytes[i++] as number
          ended = true
          break
        }
      }
      this.lineLength = ended ? 0 : at
      if (ended) this.endLine(at)
    }
  }
}

/** Creates a line decoder that hands each complete decoded line to `onLine`. */
export function createLineDecoder(onLine: (text: string) => void): LineDecoder {
  return new SharedPrefixLineDecoder(onLine)
}
