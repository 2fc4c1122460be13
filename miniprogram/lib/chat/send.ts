import { createPlaceholder, lastUserIndex, streamingMessage } from './messages'
import { DEFAULT_TITLE, titleFromText } from './title'
import type { Conversation, Message, MessageImage } from './types'

function requireText(text: string): string {
  if (text.trim() === '') throw new RangeError('消息不能为空')
  return text
}

function requireIdle(conversation: Conversation): void {
  if (streamingMessage(conversation)) throw new RangeError('回答还在生成中，请先停止')
}

function retitled(conversation: Conversation, firstUserText: string): string {
  if (conversation.titleEdited) return conversation.title
  return titleFromText(firstUserText) || DEFAULT_TITLE
}

/**
 * The user sends `text`: appends the user message and an empty streaming
 * answer (`assistantId`) that decoder updates then fill. The first message
 * also names the conversation unless the user renamed it. Photos may go without text.
 * @throws RangeError when there is neither text nor a photo, or an answer is still streaming.
 */
export function sendMessage(
  conversation: Conversation,
  text: string,
  ids: { userId: string; assistantId: string; generationId?: string },
  now: number,
  images: MessageImage[] = [],
): Conversation {
  if (images.length === 0) requireText(text)
  requireIdle(conversation)
  const user: Message = { id: ids.userId, role: 'user', content: text, status: 'done', createdAt: now }
  if (images.length > 0) user.images = images
  const isFirst = lastUserIndex(conversation) === -1
  return {
    ...conversation,
    title: isFirst ? retitled(conversation, text) : conversation.title,
    messages: [...conversation.messages, user, createPlaceholder(ids.assistantId, now, ids.generationId)],
    updatedAt: now,
  }
}

/**
 * Edit and resend: replaces the text of the last user message (same id),
 * drops everything after it (its answer) and adds a new streaming answer.
 * @throws RangeError when `text` is blank, an answer is streaming, or there is no user message.
 */
export function editLastUserMessage(
  conversation: Conversation,
  text: string,
  assistantId: string,
  now: number,
  generationId?: string,
): Conversation {
  requireText(text)
  requireIdle(conversation)
  const index = lastUserIndex(conversation)
  const user = conversation.messages[index]
  if (!user) throw new RangeError('没有可以编辑的消息')
  const messages = conversation.messages.slice(0, index)
  messages.push({ ...user, content: text, createdAt: now }, createPlaceholder(assistantId, now, generationId))
  return {
    ...conversation,
    title: index === 0 ? retitled(conversation, text) : conversation.title,
    messages,
    updatedAt: now,
  }
}
