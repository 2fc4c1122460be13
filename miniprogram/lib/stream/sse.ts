import { createParser } from 'eventsource-parser'
import { toBytes } from './bytes'
import { createLineDecoder } from './line-decoder'
import type { ChunkSink, SseDecoderOptions, SseEvent } from './types'

/**
 * Bytes → Server-Sent Events, following the WHATWG "event stream interpretation".
 *
 * UTF-8 decoding (and stripping the BOM) happens here, line by line (see
 * line-decoder.ts), because eventsource-parser only takes strings and only recognises a
 * BOM given as the three raw byte values.
 * Line parsing is eventsource-parser's; this wrapper adds what it leaves to the
 * caller: the last event ID that persists between events, the "message" default
 * type, and the end of the stream.
 */
export function createSseDecoder(
  onEvent: (event: SseEvent) => void,
  options: SseDecoderOptions = {},
): ChunkSink {
  let lastEventId = ''
  let endsWithCr = false
  let ended = false

  const parser = createParser({
    onEvent(message) {
      if (message.id !== undefined) lastEventId = message.id
      onEvent({ type: message.event ?? 'message', data: message.data, lastEventId })
    },
    onRetry: options.onRetry,
    onComment: options.onComment,
    // Unknown fields and bogus `retry` values are ignored, as the spec says.
    onError: () => undefined,
  })
  // eventsource-parser strips the characters U+00EF U+00BB U+00BF from its first
  // chunk, taking them for a BOM given as raw bytes. Our input is already decoded
  // (the UTF-8 decoder strips the real BOM), so those would be genuine text
  // (the bytes C3 AF C2 BB C2 BF): an empty first chunk disarms that check.
  parser.feed('')

  function feed(text: string): void {
    if (text === '') return
    endsWithCr = text.charCodeAt(text.length - 1) === 13
    parser.feed(text)
  }

  const lines = createLineDecoder(feed)
  return {
    push(chunk) {
      if (!ended) lines.push(toBytes(chunk))
    },
    end() {
      if (ended) return
      ended = true
      // An unfinished last line is never handed on: the spec discards it.
      // eventsource-parser holds back a final CR in case an LF follows in the next
      // chunk. There is no next chunk: a LF now makes it the one line end it was.
      if (endsWithCr) parser.feed('\n')
    },
  }
}
