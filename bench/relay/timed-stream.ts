/**
 * One streaming POST of the load generator, on a raw socket: it times every event on arrival
 * against the send time the emitter wrote into it, without allocating per event.
 *
 * Why not node:http: it allocates two buffers, a string and a split array per read, so at
 * 20,000 events/s the load generator's own garbage-collector pauses (young every ~0.3 s, full
 * ones of 5–11 ms) delayed whole batches of events and set the p99 of whichever target happened
 * to be running. Here every socket reads into one shared buffer (`onread`), the chunked body is
 * decoded in place, and timestamps are parsed from bytes. Only an event split across reads is
 * copied (rarely: each event is one write of the emitter).
 */
import { connect } from 'node:net'
import { ChunkedDecoder } from './chunked'
import { bodyFraming, headEnd, parseHead } from './response-head'

/** Shared by every stream: each read is fully consumed before the next one. */
const READ = Buffer.allocUnsafe(64 * 1024)
const EVENT_END = Buffer.from('\n\n')
const CONTENT = Buffer.from('"content":"')
const ERROR = Buffer.from('"error"')

/** Milliseconds on CLOCK_MONOTONIC, the clock of the emitter's `process.hrtime.bigint()` stamps. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/** What a stream reports to its load run. */
export interface StreamSink {
  /** An event sent at `sentMs` arrived at `arrivalMs`. */
  event(sentMs: number, arrivalMs: number): void
  firstByte(arrivalMs: number): void
  error(message: string): void
  /** Called once: the body ended (`complete`) or the stream failed or was closed. */
  end(complete: boolean): void
}

/** The request bytes of a streaming POST (built once per run and sent by every stream). */
export function requestBytes(url: URL, headers: Record<string, string>, body: string): Buffer {
  const lines = [`POST ${url.pathname} HTTP/1.1`, `Host: ${url.host}`, 'Connection: keep-alive']
  for (const [name, value] of Object.entries({
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  }))
    lines.push(`${name}: ${value}`)
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`)
}

/** Parses the emitter's stamps (`"content":"<ns>"`) in `events` (whole events) and reports them. */
function scanEvents(events: Buffer, arrivalMs: number, sink: StreamSink): void {
  for (let at = events.indexOf(CONTENT); at !== -1; at = events.indexOf(CONTENT, at + CONTENT.length)) {
    let i = at + CONTENT.length
    let ns = 0
    let digits = 0
    for (let c = events[i]; c !== undefined && c >= 0x30 && c <= 0x39; c = events[++i]) {
      ns = ns * 10 + (c - 0x30)
      digits++
    }
    // Content that is not a stamp (an error message, say) is not an event to time.
    if (digits > 0 && events[i] === 0x22) sink.event(ns / 1e6, arrivalMs)
  }
  if (events.includes(ERROR)) sink.error(`error frame: ${events.toString('utf8').slice(0, 300)}`)
}

/** Opens one stream to `url`, sending `request`; returns a function that closes it. */
export function openTimedStream(url: URL, request: Buffer, sink: StreamSink): () => void {
  let head: Buffer | null = Buffer.alloc(0)
  let decoder: ChunkedDecoder | null = null
  /** The start of an event split across reads (or chunks), copied out of READ. */
  let carry: Buffer | null = null
  let first = true
  let ended = false
  let arrival = 0
  /** The buffer the decoder's ranges point into: READ, or the copy holding the end of the head. */
  let source: Buffer = READ
  const finish = (complete: boolean): void => {
    if (ended) return
    ended = true
    socket.destroy()
    sink.end(complete)
  }
  const onData = (from: number, to: number): void => {
    if (first) {
      first = false
      sink.firstByte(arrival)
    }
    let data = source.subarray(from, to)
    if (carry) {
      data = Buffer.concat([carry, data])
      carry = null
    }
    const cut = data.lastIndexOf(EVENT_END)
    if (cut === -1) {
      carry = Buffer.from(data)
      return
    }
    scanEvents(data.subarray(0, cut + 2), arrival, sink)
    if (cut + 2 < data.length) carry = Buffer.from(data.subarray(cut + 2))
  }
  const onRead = (n: number): void => {
    arrival = monotonicMs()
    if (head) {
      const bytes: Buffer = Buffer.concat([head, READ.subarray(0, n)])
      const end = headEnd(bytes)
      if (end === -1) {
        head = bytes
        return
      }
      head = null
      const parsed = parseHead(bytes.toString('latin1', 0, end - 4))
      if (parsed.statusCode !== 200) sink.error(`status ${parsed.statusCode}`)
      if (bodyFraming(parsed).kind !== 'chunked') {
        sink.error(`not a chunked stream: ${bytes.toString('utf8', end, end + 300)}`)
        finish(false)
        return
      }
      decoder = new ChunkedDecoder()
      // What follows the head in this read is body, decoded from the copy (once per stream).
      source = bytes
      decoder.push(bytes, end, bytes.length, onData)
      source = READ
    } else {
      decoder!.push(READ, 0, n, onData)
    }
    if (decoder!.done) finish(true)
  }
  const socket = connect({
    host: url.hostname,
    port: Number(url.port),
    onread: {
      buffer: READ,
      callback: (n: number): boolean => {
        try {
          onRead(n)
        } catch (error) {
          sink.error((error as Error).message)
          finish(false)
        }
        return true
      },
    },
  })
  socket.setNoDelay(true)
  socket.on('error', (error) => sink.error(error.message))
  socket.on('close', () => {
    if (!ended) sink.error('connection closed before the stream ended')
    finish(false)
  })
  socket.write(request)
  return () => finish(false)
}
