import { closeReasoning, createPlaceholder, lastMessage, withMessageAt } from './messages'
import type { Conversation, Message } from './types'

/**
 * The user pressed stop: the streaming answer keeps its partial text and
 * becomes `stopped`. Returns `conversation` itself when nothing is streaming
 * (stop raced with the end of the stream).
 */
export function stopAnswer(conversation: Conversation, now: number): Conversation {
  const index = conversation.messages.length - 1
  const message = conversation.messages[index]
  if (message?.role !== 'assistant' || message.status !== 'streaming') return conversation
  return withMessageAt(conversation, index, { ...closeReasoning(message, now), status: 'stopped' }, now)
}

/**
 * Regenerate (after any finished answer) or retry (after an error,
 * interruption, stop or block): the last answer is dropped and a new empty
 * streaming answer `assistantId` takes its place, answering the same user message.
 * @throws RangeError when the last message is not a finished answer.
 */
export function regenerateAnswer(
  conversation: Conversation,
  assistantId: string,
  now: number,
  generationId?: string,
): Conversation {
  const last = lastMessage(conversation)
  if (last?.role !== 'assistant' || last.status === 'streaming') {
    throw new RangeError('没有可以重新生成的回答')
  }
  const messages = conversation.messages.slice(0, -1)
  messages.push(createPlaceholder(assistantId, now, generationId))
  return { ...conversation, messages, updatedAt: now }
}

/** Whether the last answer can be continued: it has text and was cut (interrupted, stopped, or hit the length limit). */
export function canContinue(message: Message | undefined): boolean {
  if (message?.role !== 'assistant' || message.content === '') return false
  return (
    message.status === 'interrupted' ||
    message.status === 'stopped' ||
    (message.status === 'done' && message.finishReason === 'length')
  )
}

/**
 * Continue a cut answer in place: the same message goes back to `streaming`,
 * keeping its text; new deltas are appended to it. The request for it is built
 * by `buildRequestMessages`, which sends the partial text as an assistant turn
 * followed by the `CONTINUE_PROMPT` user turn (see context.ts), so any
 * OpenAI-compatible model can pick up where it stopped.
 * @throws RangeError when the last answer cannot be continued (see `canContinue`).
 */
export function continueAnswer(conversation: Conversation, now: number, generationId?: string): Conversation {
  const index = conversation.messages.length - 1
  const message = conversation.messages[index]
  if (!message || !canContinue(message)) throw new RangeError('这条回答无法继续')
  // A new generation extends the text: the old one's id and event position no longer apply.
  const { error: _e, finishReason: _f, generationId: _g, lastEventId: _l, ...rest } = message
  const next: Message = { ...rest, status: 'streaming' }
  if (generationId) next.generationId = generationId
  return withMessageAt(conversation, index, next, now)
}
