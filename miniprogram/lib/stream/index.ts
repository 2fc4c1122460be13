/**
 * The stream decoder's public contract. Other code and outside checks call
 * exactly these names: keep them stable.
 */
export { createChatDecoder, INTERRUPTED_MESSAGE } from './chat-chunks'
export { createSseDecoder } from './sse'
export type { ChatUpdate, ChatUsage, ChunkSink, SseDecoderOptions, SseEvent } from './types'
export type { Utf8Decoder } from './utf8'
export { createUtf8Decoder } from './utf8'
