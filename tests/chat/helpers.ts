import { type Conversation, createConversation, reduceConversation } from '../../miniprogram/lib/chat'
import type { ChatUpdate } from '../../miniprogram/lib/stream'

/** A conversation after sending `texts` one by one, each answered with `answer(i)` and done. */
export function conversationWith(
  texts: string[],
  answer = (i: number) => `回答${i}`,
  start = 1_000,
): Conversation {
  let conv = createConversation('c1', start)
  texts.forEach((text, i) => {
    const now = start + i * 10
    conv = reduceConversation(conv, { type: 'send', text, userId: `u${i}`, assistantId: `a${i}`, now })
    conv = stream(
      conv,
      `a${i}`,
      [
        { type: 'delta', content: answer(i) },
        { type: 'done', finishReason: 'stop' },
      ],
      now,
    )
  })
  return conv
}

/** Applies updates to the streaming answer `id`. */
export function stream(conv: Conversation, id: string, updates: ChatUpdate[], now = 2_000): Conversation {
  let next = conv
  updates.forEach((update, i) => {
    next = reduceConversation(next, { type: 'update', messageId: id, update, now: now + i })
  })
  return next
}

/** The last message, asserted present. */
export function last(conv: Conversation) {
  const message = conv.messages[conv.messages.length - 1]
  if (!message) throw new Error('no messages')
  return message
}

/** A fresh conversation 'c' (created at 0) where `text` was just sent: user 'u', streaming answer 'a'. */
export function asked(text = 'q', now = 0): Conversation {
  return reduceConversation(createConversation('c', 0), {
    type: 'send',
    text,
    userId: 'u',
    assistantId: 'a',
    now,
  })
}
