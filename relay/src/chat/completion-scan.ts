import type { ChunkSink } from '../../../miniprogram/lib/stream'

const BOUNDARY = Buffer.from('\n\n')
const CR = 0x0d
const DONE = Buffer.from('DONE')
const ERROR = Buffer.from('error')
const FINISH = Buffer.from('finish')
/** How an ordinary (unfinished) chunk spells its finish reason, starting one byte before `finish`. */
const NOT_FINISHED = [Buffer.from('"finish_reason":null'), Buffer.from('"finish_reason": null')]
/** Past this much without an event boundary, the scan gives up and decodes everything. */
const MAX_PENDING = 64 * 1024

/** Whether `"finish_reason":null` (either spelling) starts at `quote` (a loop: this runs per event). */
function isNullFinish(events: Buffer, quote: number): boolean {
  if (quote < 0) return false
  for (const spelling of NOT_FINISHED) {
    if (spelling.compare(events, quote, quote + spelling.length) === 0) return true
  }
  return false
}

/**
 * Whether whole events could change what the chat decoder reports at the end: a
 * `[DONE]`, an error (`{"error":…}` or `event: error`) or a finish reason other than
 * `null`. A false positive only costs a decode; answer text that happens to say
 * "error" is decoded like anything else.
 */
export function mayMatter(events: Buffer): boolean {
  if (events.includes(DONE) || events.includes(ERROR)) return true
  for (let at = events.indexOf(FINISH); at !== -1; at = events.indexOf(FINISH, at + FINISH.length)) {
    if (!isNullFinish(events, at - 1)) return true
  }
  return false
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
      const boundary = data.lastIndexOf(BOUNDARY)
      if (data.includes(CR) || (boundary === -1 && data.length > MAX_PENDING)) {
        full = true
        decode(data)
        return
      }
      if (boundary === -1) {
        pending = data
        return
      }
      const cut = boundary + BOUNDARY.length
      const events = cut === data.length ? data : data.subarray(0, cut)
      if (mayMatter(events)) decode(events)
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
