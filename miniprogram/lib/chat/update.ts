import { hiddenNotice, hidesAnswer, isInterruption, isStop } from '../errors/index'
import type { ChatUpdate } from '../stream/index'
import { closeReasoning, withMessageAt } from './messages'
import type { Conversation, Message, MessageError } from './types'

function withDelta(message: Message, update: { content?: string; reasoning?: string }, now: number): Message {
  let next = message
  if (update.reasoning) {
    next = {
      ...next,
      reasoning: (next.reasoning ?? '') + update.reasoning,
      reasoningStartedAt: next.reasoningStartedAt ?? now,
    }
  }
  if (update.content) next = { ...closeReasoning(next, now), content: next.content + update.content }
  return next
}

function withError(message: Message, update: Extract<ChatUpdate, { type: 'error' }>, now: number): Message {
  const error: MessageError = { message: update.message }
  if (update.code !== undefined) error.code = update.code
  if (update.status !== undefined) error.status = update.status
  const closed = closeReasoning(message, now)
  // Reached only when the page aborted without dispatching `stop` first: same outcome, no error shown.
  if (isStop(update.code)) return { ...closed, status: 'stopped' }
  if (hidesAnswer(update.code)) {
    // Refused or never checked: the text must not stay visible, be stored, or be sent back as
    // context. Drop it and the reasoning.
    const { reasoning: _r, reasoningStartedAt: _s, reasoningMs: _m, ...rest } = closed
    return {
      ...rest,
      content: '',
      status: 'blocked',
      error: { ...error, message: hiddenNotice(update.code) },
    }
  }
  const status = isInterruption(update.code) && closed.content !== '' ? 'interrupted' : 'error'
  return { ...closed, status, error }
}

/**
 * Applies one decoder update to the streaming answer `messageId`. Updates for
 * any other message, or for an answer no longer streaming (stopped, finished),
 * are stale (a late chunk of an aborted request) and return `conversation` itself.
 */
export function applyUpdate(
  conversation: Conversation,
  messageId: string,
  update: ChatUpdate,
  now: number,
): Conversation {
  const index = conversation.messages.length - 1
  const message = conversation.messages[index]
  if (!message || message.id !== messageId || message.status !== 'streaming') return conversation
  let next: Message
  if (update.type === 'delta') {
    if (!update.content && !update.reasoning) return conversation
    next = withDelta(message, update, now)
    // The text and the position it was read up to change together, so a reattach neither repeats nor skips.
    if (update.eventId !== undefined) next.lastEventId = update.eventId
  } else if (update.type === 'done') {
    next = { ...closeReasoning(message, now), status: 'done', finishReason: update.finishReason }
    if (update.usage) next.usage = update.usage
  } else {
    next = withError(message, update, now)
  }
  return withMessageAt(conversation, index, next, now)
}
