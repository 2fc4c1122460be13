import type { ChatUpdate } from '../stream/index'
import { streamingMessage } from './messages'
import { reduceConversation } from './reducer'
import type { Conversation } from './types'

/** Shown on an answer left streaming by a previous run of the app (WeChat killed it mid-answer). */
export const RECOVERED_MESSAGE = '上次回答被中断'

/**
 * An answer stored while streaming: one with a generation is reattached to by the session; one
 * without (stored by an older version) belongs to a dead request: interrupted, or failed if empty.
 */
export function recoverStored(conversation: Conversation): Conversation {
  const answer = streamingMessage(conversation)
  if (!answer || answer.generationId) return conversation
  const update: ChatUpdate = { type: 'error', message: RECOVERED_MESSAGE, code: 'interrupted' }
  return reduceConversation(conversation, { type: 'update', messageId: answer.id, update, now: Date.now() })
}
