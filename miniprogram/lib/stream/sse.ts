import { createParser } from 'eventsource-parser'
import { toBytes } from './bytes'
import type { ChunkSink, SseDecoderOptions, SseEvent } from './types'
import { createUtf8Decoder } from './utf8'

/**
 * Bytes → Server-Sent Events, following the WHATWG "event stream interpretation".
 *
 * UTF-8 decoding (and stripping the BOM) happens here because eventsource-parser
 * only takes strings and only recognises a BOM given as the three raw byte values.
 * Line parsing is eventsource-parser's; this wrapper adds what it leaves to the
 * caller: the last event ID that persists between events, the "message" default
 * type, and the end of the stream.
 */
export function createSseDecoder(
  onEvent: (event: SseEvent) => void,
  options: SseDecoderOptions = {},
): ChunkSink {
  const utf8 = createUtf8Decoder()
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

  function feed(text: string): void {
    if (text === '') return
    endsWithCr = text.charCodeAt(text.length - 1) === 13
    parser.feed(text)
  }

  return {
    push(chunk) {
      if (ended) return
      feed(utf8.decode(toBytes(chunk)))
    },
    end() {
      if (ended) return
      ended = true
      feed(utf8.flush())
      // eventsource-parser holds back a final CR in case an LF follows in the next
      // chunk. There is no next chunk: a LF now makes it the one line end it was.
      if (endsWithCr) parser.feed('\n')
    },
  }
}
