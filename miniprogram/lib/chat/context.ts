import type { Conversation, Message, MessageImage } from './types'

/** One message of an OpenAI chat-completions request (photos still as the app keeps them). */
export interface RequestMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
  /** A question's photos; lib/chat/vision.ts turns them into image parts or "[图片]". */
  images?: MessageImage[]
}

/** The user turn of `message`: its text, and its photos when it has some. */
function userTurn(message: Message, content = message.content): RequestMessage {
  return message.images?.length
    ? { role: 'user', content, images: message.images }
    : { role: 'user', content }
}

/** How much history to send. */
export interface ContextOptions {
  /** Prepended as the `system` message when not blank. */
  systemPrompt?: string
  /** Most past messages to send besides the newest user message (whole user/assistant pairs only). */
  maxMessages: number
  /** Character budget for all contents together, system prompt included. */
  maxChars: number
}

/** What to send, and what had to be left out so the UI can say so. */
export interface RequestContext {
  messages: RequestMessage[]
  /** Past messages left out by `maxMessages` or `maxChars`. */
  omittedMessages: number
  /** The newest user message alone exceeded the budget and was shortened: warn the user. */
  truncatedUserMessage: boolean
  /** A continued answer's partial text was shortened to its end to fit the budget. */
  truncatedPartial: boolean
}

/** The user turn that asks the model to carry on a cut answer (see `continueAnswer`). */
export const CONTINUE_PROMPT =
  '继续。请从上一条回答中断的地方直接接着写，不要重复已经写过的内容，也不要加任何开场白。'

/** Marks the middle cut out of an over-long user message. */
export const OMISSION_MARK = '\n……（内容过长，中间部分已省略）……\n'

/** Answers worth sending back as context: finished text, or a partial the user saw. */
function usableAnswer(message: Message | undefined): message is Message {
  if (message?.role !== 'assistant' || message.content.trim() === '') return false
  return message.status === 'done' || message.status === 'stopped' || message.status === 'interrupted'
}

/**
 * Past turns as [user, assistant] pairs, oldest first. A user message whose
 * answer failed or was blocked is left out with it: some providers reject two
 * user messages in a row, and a failed exchange carries no useful context.
 */
function pastTurns(history: Message[]): RequestMessage[][] {
  const turns: RequestMessage[][] = []
  for (let i = 0; i < history.length; i++) {
    const user = history[i]
    const answer = history[i + 1]
    if (user?.role !== 'user') continue
    if (usableAnswer(answer)) {
      turns.push([userTurn(user), { role: 'assistant', content: answer.content }])
      i++
    }
  }
  return turns
}

/** Keeps the head and the tail of `text` within `budget` characters. */
function shortenMiddle(text: string, budget: number): string {
  if (text.length <= budget) return text
  const room = Math.max(0, budget - OMISSION_MARK.length)
  const head = Math.ceil(room / 2)
  return text.slice(0, head) + OMISSION_MARK + text.slice(text.length - (room - head))
}

/**
 * The messages to send for the answer being generated, which must be the last
 * message (a streaming assistant placeholder, as left by send, regenerate,
 * retry or edit). When that answer already has text (after `continue`), the
 * partial text goes as an assistant turn followed by `CONTINUE_PROMPT`.
 *
 * Order of sacrifice to fit `maxChars`: oldest past pairs first (a pair is
 * never split), then the head of a continued partial answer (its end is what
 * the model needs), and last the middle of the newest user message, which is
 * always sent (`truncatedUserMessage` then tells the UI to warn).
 * @throws RangeError when the conversation has no user message to answer.
 */
export function buildRequestMessages(conversation: Conversation, options: ContextOptions): RequestContext {
  const all = conversation.messages
  const pending = all[all.length - 1]
  const answering = pending?.role === 'assistant' && pending.status === 'streaming'
  const upTo = answering ? all.length - 1 : all.length
  let userIndex = upTo - 1
  while (userIndex >= 0 && all[userIndex]?.role !== 'user') userIndex--
  const user = all[userIndex]
  if (!user) throw new RangeError('没有要发送的消息')

  const system = options.systemPrompt?.trim() ? options.systemPrompt : ''
  const partial = answering && pending.content !== '' ? pending.content : ''
  const budget = Math.max(0, options.maxChars)
  let userText = user.content
  let partialText = partial
  let fixed = system.length + userText.length + (partial ? partialText.length + CONTINUE_PROMPT.length : 0)

  let truncatedPartial = false
  if (partial && fixed > budget) {
    const room = Math.max(0, budget - (fixed - partialText.length))
    partialText = room > 0 ? partialText.slice(partialText.length - room) : ''
    truncatedPartial = true
    fixed -= partial.length - partialText.length
  }
  let truncatedUserMessage = false
  if (fixed > budget) {
    const room = Math.max(budget - (fixed - userText.length), Math.min(userText.length, 200))
    userText = shortenMiddle(userText, room)
    truncatedUserMessage = true
    fixed = budget
  }

  const turns = pastTurns(all.slice(0, userIndex))
  const pastCount = turns.length * 2
  const maxTurns = Math.max(0, Math.floor(options.maxMessages / 2))
  const kept: RequestMessage[][] = []
  let used = fixed
  for (let t = turns.length - 1; t >= 0 && kept.length < maxTurns; t--) {
    const turn = turns[t]!
    const size = turn[0]!.content.length + turn[1]!.content.length
    if (used + size > budget) break
    used += size
    kept.unshift(turn)
  }

  const messages: RequestMessage[] = []
  if (system) messages.push({ role: 'system', content: system })
  for (const turn of kept) messages.push(...turn)
  messages.push(userTurn(user, userText))
  if (partial && partialText) {
    messages.push({ role: 'assistant', content: partialText }, { role: 'user', content: CONTINUE_PROMPT })
  }
  return { messages, omittedMessages: pastCount - kept.length * 2, truncatedUserMessage, truncatedPartial }
}
