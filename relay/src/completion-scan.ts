import type { ChunkSink } from '../../miniprogram/lib/stream'

const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const DONE = Buffer.from('DONE')
const ERROR = Buffer.from('error')
const FINISH = Buffer.from('finish')
/** How an ordinary (unfinished) chunk spells its finish reason, from the quote before `finish`. */
const NOT_FINISHED = [Buffer.from('"finish_reason":null'), Buffer.from('"finish_reason": null')]
/** Past this much without an event boundary, the scan gives up and decodes everything. */
const MAX_PENDING = 64 * 1024

/** Whether `pattern` occurs in `bytes` at `at` (a byte loop: it runs a few times per event). */
function matchesAt(bytes: Uint8Array, at: number, pattern: Uint8Array): boolean {
  if (at < 0 || at + pattern.length > bytes.length) return false
  for (let i = 0; i < pattern.length; i++) if (bytes[at + i] !== pattern[i]) return false
  return true
}

/** Whether a `finish` at `at` is the `"finish_reason":null` (either spelling) of an unfinished chunk. */
function isNullFinish(bytes: Uint8Array, at: number): boolean {
  return (
    bytes[at - 1] === QUOTE &&
    (matchesAt(bytes, at - 1, NOT_FINISHED[0]!) || matchesAt(bytes, at - 1, NOT_FINISHED[1]!))
  )
}

/**
 * What one pass over a chunk found: a CR, where the last blank line ends (-1: none), and where
 * the first text that may matter starts (-1: none). One reused object, not one per event.
 */
const found = { cr: false, cut: -1, matter: -1 }

/**
 * One JavaScript pass instead of five Buffer searches per event (`lastIndexOf`, three
 * `includes`, `indexOf`): each of those crosses into C++, and at 20,000 events/s the
 * crossings cost more than reading 300 bytes here.
 */
function scan(bytes: Uint8Array): typeof found {
  found.cr = false
  found.cut = -1
  found.matter = -1
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (c === LF) {
      if (bytes[i + 1] === LF) found.cut = i + 2
    } else if (c === CR) {
      found.cr = true
      return found
    } else if (found.matter === -1) {
      if (
        (c === 0x44 && matchesAt(bytes, i, DONE)) || // D
        (c === 0x65 && matchesAt(bytes, i, ERROR)) || // e
        (c === 0x66 && matchesAt(bytes, i, FINISH) && !isNullFinish(bytes, i)) // f
      )
        found.matter = i
    }
  }
  return found
}

/**
 * Whether whole events could change what the chat decoder reports at the end: a
 * `[DONE]`, an error (`{"error":…}` or `event: error`) or a finish reason other than
 * `null`. A false positive only costs a decode; answer text that happens to say
 * "error" is decoded like anything else.
 */
export function mayMatter(events: Uint8Array): boolean {
  return scan(events).matter !== -1
}

/**
 * A cheaper front for the shared chat decoder when nobody needs the answer text
 * (no output hooks): the relay then only has to know whether the stream completed
 * and whether it carried an error. Bytes are cut into whole events at blank lines
 * and only events that `mayMatter` reach the decoder, which stays the one judge of
 * what they mean. Plain content events — nearly all of them — are skipped unparsed.
 *
 * Events are independent in SSE (the field state resets at each blank line), so
 * the decoder sees a valid stream. It is created on the first event that matters
 * (usually the last two of the stream): setting one up costs more per request
 * than scanning every event. CR line ends make blank lines harder to spot: a
 * stream that uses them, or runs long without a blank line, is decoded in full.
 */
export function createCompletionScan(createDecoder: () => ChunkSink): ChunkSink {
  let pending: Buffer | null = null
  let full = false
  let decoder: ChunkSink | null = null
  const decode = (bytes: Buffer): void => {
    decoder ??= createDecoder()
    decoder.push(bytes)
  }
  return {
    push(chunk) {
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : Buffer.from(chunk)
      if (full) {
        decode(bytes)
        return
      }
      const data: Buffer = pending ? Buffer.concat([pending, bytes]) : bytes
      pending = null
      const { cr, cut, matter } = scan(data)
      if (cr || (cut === -1 && data.length > MAX_PENDING)) {
        full = true
        decode(data)
        return
      }
      if (cut === -1) {
        pending = data
        return
      }
      // A match that starts before the cut but runs past it only costs a decode (a false positive).
      if (matter !== -1 && matter < cut) decode(cut === data.length ? data : data.subarray(0, cut))
      if (cut < data.length) pending = data.subarray(cut)
    },
    end() {
      if (pending) decode(pending)
      pending = null
      decoder ??= createDecoder()
      decoder.end()
    },
  }
}
