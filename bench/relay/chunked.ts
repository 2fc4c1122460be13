import { FramingError } from './response-head'

const CR = 0x0d
const LF = 0x0a
/** Longest chunk-size line accepted (size, extensions): anything longer is not a real server. */
const MAX_SIZE_LINE = 1024

enum State {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

/**
 * Decodes an HTTP/1.1 `Transfer-Encoding: chunked` body incrementally: bytes may
 * split anywhere, including inside the size line or the CRLF after the data.
 * The data comes out as ranges of the input, so the caller decides whether to
 * copy (the load generator reads into one shared buffer that the next read
 * overwrites, see timed-stream.ts). Bench-only: the relay's own HTTP is undici's.
 */
export class ChunkedDecoder {
  private state = State.Size
  private size = 0
  private sizeDigits = 0
  private lineLength = 0
  private inExtension = false
  private left = 0
  /** Bytes on the current trailer line (0 at a line start: an empty line ends the body). */
  private trailerLine = 0

  get done(): boolean {
    return this.state === State.Done
  }

  /**
   * Consumes `buf[start, end)`, calling `onData` for each range of body data.
   * Returns where it stopped: `end`, or the first byte after the body once it is
   * complete. Throws on bytes that are not chunked framing.
   */
  push(buf: Uint8Array, start: number, end: number, onData: (from: number, to: number) => void): number {
    let i = start
    while (i < end) {
      switch (this.state) {
        case State.Size: {
          const byte = buf[i++]!
          if (++this.lineLength > MAX_SIZE_LINE) throw new FramingError('chunk size line too long')
          if (byte === LF) {
            if (this.sizeDigits === 0) throw new FramingError('chunk size missing')
            this.state = this.size === 0 ? State.Trailer : State.Data
            this.left = this.size
            this.size = 0
            this.sizeDigits = 0
            this.lineLength = 0
            this.inExtension = false
            this.trailerLine = 0
          } else if (byte === CR || this.inExtension) {
            // The CR before LF, or extension text (`;name=value`), which nobody uses: skipped.
          } else if (byte === 0x3b || byte === 0x20 || byte === 0x09) {
            this.inExtension = true
          } else {
            const digit = hexValue(byte)
            if (digit < 0) throw new FramingError('bad chunk size')
            this.size = this.size * 16 + digit
            if (++this.sizeDigits > 12) throw new FramingError('chunk size too large')
          }
          break
        }
        case State.Data: {
          const to = Math.min(end, i + this.left)
          onData(i, to)
          this.left -= to - i
          i = to
          if (this.left === 0) this.state = State.DataEnd
          break
        }
        case State.DataEnd: {
          // The CRLF after the data (a bare LF is tolerated, as most parsers do).
          const byte = buf[i++]!
          if (byte === LF) this.state = State.Size
          else if (byte !== CR) throw new FramingError('missing CRLF after chunk data')
          break
        }
        case State.Trailer: {
          const byte = buf[i++]!
          if (byte === LF) {
            if (this.trailerLine === 0) {
              this.state = State.Done
              return i
            }
            this.trailerLine = 0
          } else if (byte !== CR) {
            if (++this.trailerLine > MAX_SIZE_LINE) throw new FramingError('trailer line too long')
          }
          break
        }
        case State.Done:
          return i
      }
    }
    return i
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  return -1
}
