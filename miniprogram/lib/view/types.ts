import type { MessageRole, MessageStatus } from '../chat/index'
import type { Block } from '../markdown/types'

/**
 * What the chat page renders for one message: plain JSON kept in page data.
 * Growing texts are arrays (answer blocks, reasoning paragraphs) so a stream
 * only ever updates their tail by path.
 */
export interface MessageView {
  id: string
  role: MessageRole
  status: MessageStatus
  /** The user's text (user messages only). */
  text: string
  /** The question's photos, as file paths (never their bytes). */
  images: string[]
  /** The answer as markdown blocks (assistant messages only). */
  blocks: Block[]
  /** Reasoning text split into paragraphs. */
  reasoning: string[]
  /** "思考中…" or "已深度思考（用时 N 秒）"; '' without reasoning. */
  reasoningLabel: string
  /** Whether the reasoning panel is expanded. */
  reasoningOpen: boolean
  /** Streaming with nothing to show yet: the typing indicator. */
  waiting: boolean
  /** Readable error or notice shown under the answer; '' when none. */
  error: string
  /** Cut answer that 继续 can carry on. */
  canContinue: boolean
  /** Finished (not streaming): copy / regenerate actions are offered. */
  finished: boolean
  /** The connection dropped mid-answer and the client is reattaching to it ("重新连接中…"). */
  reconnecting: boolean
  /** The user's 👍 / 👎 ('' for none). */
  feedback: 'up' | 'down' | ''
  /** Reported (举报 is not offered again). */
  reported: boolean
  /** A finished answer with text the user can rate, report and copy (not hidden, not blocked). */
  ratable: boolean
}

/** The chat page's data about the conversation as a whole. */
export interface ChatMeta {
  /** An answer is streaming: the stop button shows, sending waits. */
  streaming: boolean
  /** No messages yet: the empty state with suggested prompts shows. */
  empty: boolean
  /** Index of the last user message (the one that can be edited), -1 when none. */
  lastUserIndex: number
  title: string
  conversationId: string
}
