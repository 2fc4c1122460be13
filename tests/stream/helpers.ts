import {
  type ChatUpdate,
  createChatDecoder,
  createSseDecoder,
  type SseEvent,
} from '../../miniprogram/lib/stream'

/** Cuts `bytes` into consecutive chunks at the given (sorted, in-range) positions. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = []
  let start = 0
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut))
    start = cut
  }
  chunks.push(bytes.subarray(start))
  return chunks
}

/** Cuts `bytes` into chunks of `size` bytes (the last one shorter). */
export function splitEvery(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  return chunks
}

/** Runs the chat decoder over the chunks, then `end()`; returns every update. */
export function decodeChat(chunks: readonly Uint8Array[]): ChatUpdate[] {
  const updates: ChatUpdate[] = []
  const decoder = createChatDecoder((update) => updates.push(update))
  for (const chunk of chunks) decoder.push(chunk)
  decoder.end()
  return updates
}

/** Everything the SSE decoder reported, in order. */
export interface SseRecord {
  events: SseEvent[]
  retries: number[]
  comments: string[]
}

/** Runs the SSE decoder over the chunks, then `end()`. */
export function decodeSse(chunks: readonly Uint8Array[]): SseRecord {
  const record: SseRecord = { events: [], retries: [], comments: [] }
  const decoder = createSseDecoder((event) => record.events.push(event), {
    onRetry: (ms) => record.retries.push(ms),
    onComment: (text) => record.comments.push(text),
  })
  for (const chunk of chunks) decoder.push(chunk)
  decoder.end()
  return record
}

/** The answer text the UI would show: all `content` deltas joined. */
export function joinedContent(updates: readonly ChatUpdate[]): string {
  return updates.map((u) => (u.type === 'delta' ? (u.content ?? '') : '')).join('')
}

/** The reasoning text the UI would show: all `reasoning` deltas joined. */
export function joinedReasoning(updates: readonly ChatUpdate[]): string {
  return updates.map((u) => (u.type === 'delta' ? (u.reasoning ?? '') : '')).join('')
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a JS string (test input only; the decoder never uses TextEncoder). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}
