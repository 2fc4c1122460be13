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
    // A chunk that is exactly one event (the usual upstream read) is passed on as is: no view of it.
    const whole = start === 0 && end === chunk.length
    events.push(
      pending.length === 0
        ? whole
          ? chunk
          : chunk.subarray(start, end)
        : Buffer.concat([...pending, chunk.subarray(start, end)]),
    )
    pending = []
    start = end
  }
  return {
    push(chunk) {
      events = []
      start = 0
      // Fast path, the usual case: no CR in the chunk and none pending before it, so every line
      // ends with a lone LF and an event ends at an LF that starts a line. Native `indexOf` finds
      // the few LFs instead of a JS loop over every byte (a recorded generation splits each chunk).
      if (!afterCr && chunk.indexOf(CR) === -1) {
        for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
          if (lf === 0 ? atLineStart : chunk[lf - 1] === LF) cut(chunk, lf + 1)
        }
        if (chunk.length > 0) atLineStart = chunk[chunk.length - 1] === LF
        if (start < chunk.length) pending.push(chunk.subarray(start))
        return events
      }
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
