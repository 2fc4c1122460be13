const LF = 0x0a
const CR = 0x0d

/** Cuts a byte stream into whole SSE events, byte for byte (line ends of every kind, comments included). */
export interface EventSplitter {
  /** The events this chunk completes, each with the empty line that ends it. */
  push(chunk: Buffer): Buffer[]
  /**
   * At the end of the stream: the event a final CR completed, if any. Bytes of an event the stream
   * never finished are dropped, as the SSE spec drops them.
   */
  end(): Buffer[]
}

/**
 * An event ends with an empty line: a line end right after another (LF, CR or CRLF, mixed as the
 * spec allows). A CR may be the first half of a CRLF, so the cut after it waits for the next byte.
 * Used where events must leave whole (held for a content check), never split mid-line.
 */
export function createEventSplitter(): EventSplitter {
  let pending: Buffer[] = []
  /** The last byte ended a line (or nothing has come yet). */
  let atLineStart = true
  /** The last byte was a CR that ended an empty line: the event ends there, or after an LF that follows. */
  let endAfterCr = false
  /** The last byte was a CR: an LF now is part of the same line end. */
  let afterCr = false
  let events: Buffer[] = []
  let start = 0
  const cut = (chunk: Buffer, end: number): void => {
    events.push(
      pending.length === 0
        ? chunk.subarray(start, end)
        : Buffer.concat([...pending, chunk.subarray(start, end)]),
    )
    pending = []
    start = end
  }
  return {
    push(chunk) {
      events = []
      start = 0
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]
        if (afterCr && byte === LF) {
          afterCr = false
          if (endAfterCr) cut(chunk, i + 1)
          endAfterCr = false
          continue
        }
        if (endAfterCr) cut(chunk, i)
        afterCr = byte === CR
        endAfterCr = false
        if (byte === CR || byte === LF) {
          if (atLineStart && byte === LF) cut(chunk, i + 1)
          else if (atLineStart) endAfterCr = true
          atLineStart = true
        } else atLineStart = false
      }
      if (start < chunk.length) pending.push(chunk.subarray(start))
      return events
    },
    end() {
      const last = endAfterCr ? [Buffer.concat(pending)] : []
      pending = []
      return last
    },
  }
}
