import type { ChatUpdate } from '../stream/index'
import { continueAnswer, regenerateAnswer, stopAnswer } from './answer'
import { hideAnswer, markReported, rateAnswer } from './feedback'
import { withImages } from './images'
import { editLastUserMessage, sendMessage } from './send'
import { normalizeTitle } from './title'
import type { Conversation, MessageImage } from './types'
import { applyUpdate } from './update'

/**
 * Everything that can happen to a conversation. Ids and `now` are passed in
 * (never generated inside) so the reducer is pure and replayable in tests.
 * `generationId` names the relay generation that will produce the new answer.
 * After `send`, `edit`, `regenerate` and `continue`, build the request
 * with `planChatRequest` and feed the stream's updates back as `update`
 * actions carrying the streaming message's id.
 */
export type ChatAction =
  | {
      type: 'send'
      text: string
      images?: MessageImage[]
      userId: string
      assistantId: string
      generationId?: string
      now: number
    }
  | { type: 'update'; messageId: string; update: ChatUpdate; now: number }
  | { type: 'stop'; now: number }
  | { type: 'regenerate'; assistantId: string; generationId?: string; now: number }
  | { type: 'edit'; text: string; assistantId: string; generationId?: string; now: number }
  | { type: 'continue'; generationId?: string; now: number }
  | { type: 'rename'; title: string; now: number }
  | { type: 'rate'; messageId: string; rating: 'up' | 'down'; now: number }
  | { type: 'reported'; messageId: string; now: number }
  | { type: 'hide'; messageId: string; now: number }
  | { type: 'uploaded'; messageId: string; images: MessageImage[]; now: number }

/**
 * Applies `action` and returns the next conversation; the input is never
 * mutated. Stale stream updates and a late `stop` return the same object, so
 * `next === conversation` means "nothing to render or save".
 * @throws RangeError (with a Chinese message) for actions that make no sense in
 * the current state, e.g. sending while an answer streams or a blank message.
 */
export function reduceConversation(conversation: Conversation, action: ChatAction): Conversation {
  switch (action.type) {
    case 'send':
      return sendMessage(conversation, action.text, action, action.now, action.images)
    case 'update':
      return applyUpdate(conversation, action.messageId, action.update, action.now)
    case 'stop':
      return stopAnswer(conversation, action.now)
    case 'regenerate':
      return regenerateAnswer(conversation, action.assistantId, action.now, action.generationId)
    case 'edit':
      return editLastUserMessage(
        conversation,
        action.text,
        action.assistantId,
        action.now,
        action.generationId,
      )
    case 'continue':
      return continueAnswer(conversation, action.now, action.generationId)
    case 'rate':
      return rateAnswer(conversation, action.messageId, action.rating, action.now)
    case 'reported':
      return markReported(conversation, action.messageId, action.now)
    case 'hide':
      return hideAnswer(conversation, action.messageId, action.now)
    case 'uploaded':
      return withImages(conversation, action.messageId, action.images, action.now)
    case 'rename':
      return {
        ...conversation,
        title: normalizeTitle(action.title),
        titleEdited: true,
        updatedAt: action.now,
      }
  }
}
