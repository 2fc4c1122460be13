import {
  hiddenNotice,
  hidesAnswer,
  isInterruption,
  isStop,
  NO_ANSWER_NOTICE,
  QUESTION_BLOCKED_NOTICE,
} from '../errors/index'
import type { ChatUpdate } from '../stream/index'
import { closeReasoning, withMessageAt } from './messages'
import { DEFAULT_TITLE } from './title'
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
    // Refused with an HTTP status before any answer: it was the question that did not pass.
    if (hidesAnswer(update.code) && update.status !== undefined && message.content === '') {
      return withQuestionBlocked(withMessageAt(conversation, index, next, now), index - 1, now)
    }
  }
  return withMessageAt(conversation, index, next, now)
}

/** The question at `index` did not pass content security: its text goes, a notice stands in. */
function withQuestionBlocked(conversation: Conversation, index: number, now: number): Conversation {
  const question = conversation.messages[index]
  const answer = conversation.messages[index + 1]
  if (question?.role !== 'user' || !answer) return conversation
  const blockedQuestion: Message = {
    ...question,
    content: '',
    status: 'blocked',
    error: { message: QUESTION_BLOCKED_NOTICE, code: 'content_blocked' },
  }
  const withNotice: Message = { ...answer, error: { ...answer.error, message: NO_ANSWER_NOTICE } }
  const next = withMessageAt(
    withMessageAt(conversation, index, blockedQuestion, now),
    index + 1,
    withNotice,
    now,
  )
  // A title taken from the refused text would keep it in the conversation list.
  const first = conversation.messages.findIndex((m) => m.role === 'user') === index
  return first && !conversation.titleEdited ? { ...next, title: DEFAULT_TITLE } : next
}
