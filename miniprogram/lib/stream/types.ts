/** Something that consumes a byte stream chunk by chunk. */
export interface ChunkSink {
  /** Feeds the next chunk; it may split anywhere, even inside a UTF-8 character. */
  push(chunk: ArrayBuffer | Uint8Array): void
  /** Marks the end of the stream; later pushes are ignored. */
  end(): void
}

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field, "message" when absent or empty. */
  type: string
  /** The `data:` lines joined with "\n". */
  data: string
  /** The last `id:` seen on this stream (it persists between events). */
  lastEventId: string
}

/** Optional hooks of the SSE decoder. */
export interface SseDecoderOptions {
  /** A valid `retry:` field, in milliseconds. */
  onRetry?(ms: number): void
  /** A comment line (`: keep-alive`), without the colon and one leading space. */
  onComment?(text: string): void
}

/** Token counts reported by the provider. */
export interface ChatUsage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
}

/**
 * What a chat stream means to the UI. A stream yields any number of `delta`s
 * followed by exactly one `done` or one `error`, and nothing after that.
 * `eventId` is the SSE `id:` of the event the update came from, when the stream
 * numbers its events (a resumable generation): a client that keeps it with the
 * text can ask for exactly the events after it.
 */
export type ChatUpdate =
  | { type: 'delta'; content?: string; reasoning?: string; eventId?: string }
  | { type: 'done'; finishReason: string | null; usage?: ChatUsage; eventId?: string }
  | { type: 'error'; message: string; code?: string; status?: number; eventId?: string }
