import { DEFAULT_TITLE } from './title'
import type { Conversation, Message } from './types'

/** A new, empty conversation. Ids and time come from the caller so this stays pure. */
export function createConversation(id: string, now: number): Conversation {
  return { id, title: DEFAULT_TITLE, createdAt: now, updatedAt: now, messages: [] }
}

/** An empty assistant message waiting for its first token (of generation `generationId`, if resumable). */
export function createPlaceholder(id: string, now: number, generationId?: string): Message {
  const message: Message = { id, role: 'assistant', content: '', status: 'streaming', createdAt: now }
  if (generationId) message.generationId = generationId
  return message
}

/** The last message, if any. */
export function lastMessage(conversation: Conversation): Message | undefined {
  return conversation.messages[conversation.messages.length - 1]
}

/** The assistant message currently streaming (always the last message), if any. */
export function streamingMessage(conversation: Conversation): Message | undefined {
  const last = lastMessage(conversation)
  return last && last.role === 'assistant' && last.status === 'streaming' ? last : undefined
}

/** Index of the last user message, or -1. */
export function lastUserIndex(conversation: Conversation): number {
  for (let i = conversation.messages.length - 1; i >= 0; i--) {
    if (conversation.messages[i]?.role === 'user') return i
  }
  return -1
}

/** A copy of `conversation` whose message at `index` is replaced by `message`. */
export function withMessageAt(
  conversation: Conversation,
  index: number,
  message: Message,
  now: number,
): Conversation {
  const messages = conversation.messages.slice()
  messages[index] = message
  return { ...conversation, messages, updatedAt: now }
}

/**
 * Ends reasoning timing: when reasoning started and has no duration yet, the
 * duration runs until `now` (the answer proper started, or the stream ended).
 */
export function closeReasoning(message: Message, now: number): Message {
  if (message.reasoningStartedAt === undefined || message.reasoningMs !== undefined) return message
  return { ...message, reasoningMs: Math.max(0, now - message.reasoningStartedAt) }
}
