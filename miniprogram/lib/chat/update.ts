import type { ChatUpdate } from '../stream/index'
import { closeReasoning, withMessageAt } from './messages'
import type { Conversation, Message, MessageError } from './types'

/** Shown instead of an answer that content security refused. */
export const BLOCKED_NOTICE = '该回答未通过内容安全检查，已隐藏'

/**
 * Error codes that mean "the connection broke", not "the request was refused".
 * An answer that already has text and fails with one of these becomes
 * `interrupted` (continuable). The chat client reports `network`, `timeout`,
 * `idle_timeout` and `background` (the app was hidden); the decoder `interrupted`.
 */
export const INTERRUPTION_CODES: readonly string[] = [
  'interrupted',
  'network',
  'timeout',
  'idle_timeout',
  'background',
]

/** The chat client's code for a request the user stopped: not a failure. */
export const ABORTED_CODE = 'aborted'

/** The code content security uses (relay error frame or 4xx body). */
export const CONTENT_BLOCKED_CODE = 'content_blocked'

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
  if (update.code === ABORTED_CODE) return { ...closed, status: 'stopped' }
  if (update.code === CONTENT_BLOCKED_CODE) {
    // The text must not stay visible (nor be sent back as context): drop it and the reasoning.
    const { reasoning: _r, reasoningStartedAt: _s, reasoningMs: _m, ...rest } = closed
    return { ...rest, content: '', status: 'blocked', error: { ...error, message: BLOCKED_NOTICE } }
  }
  const broken = update.code !== undefined && INTERRUPTION_CODES.includes(update.code)
  const status = broken && closed.content !== '' ? 'interrupted' : 'error'
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
  } else if (update.type === 'done') {
    next = { ...closeReasoning(message, now), status: 'done', finishReason: update.finishReason }
    if (update.usage) next.usage = update.usage
  } else {
    next = withError(message, update, now)
  }
  return withMessageAt(conversation, index, next, now)
}
