import { withMessageAt } from './messages'
import type { Conversation, Message } from './types'

/** Shown where an answer the user hid stood. */
export const HIDDEN_NOTICE = '你已隐藏这条回答'

function answerAt(conversation: Conversation, messageId: string): { index: number; message: Message } {
  const index = conversation.messages.findIndex((m) => m.id === messageId)
  const message = conversation.messages[index]
  if (message?.role !== 'assistant' || message.status === 'streaming') {
    throw new RangeError('这条回答还不能评价')
  }
  return { index, message }
}

/** 👍 / 👎 on a finished answer; the same choice again takes it back. */
export function rateAnswer(
  conversation: Conversation,
  messageId: string,
  rating: 'up' | 'down',
  now: number,
): Conversation {
  const { index, message } = answerAt(conversation, messageId)
  const { feedback: _previous, ...rest } = message
  const next: Message = message.feedback === rating ? rest : { ...rest, feedback: rating }
  return withMessageAt(conversation, index, next, now)
}

/** The answer was reported (its text went to the relay as evidence). */
export function markReported(conversation: Conversation, messageId: string, now: number): Conversation {
  const { index, message } = answerAt(conversation, messageId)
  return withMessageAt(conversation, index, { ...message, reported: true }, now)
}

/**
 * The user hides an answer: its text and reasoning are dropped for good (not shown, stored, or
 * sent back as context) and a notice stands in.
 */
export function hideAnswer(conversation: Conversation, messageId: string, now: number): Conversation {
  const { index, message } = answerAt(conversation, messageId)
  const { reasoning: _r, reasoningStartedAt: _s, reasoningMs: _m, ...rest } = message
  return withMessageAt(conversation, index, { ...rest, content: '', hidden: true }, now)
}
