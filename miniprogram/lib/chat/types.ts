import type { ChatUsage } from '../stream/index'

/** Who wrote a message. The system prompt is not stored in conversations. */
export type MessageRole = 'user' | 'assistant'

/**
 * Where a message stands.
 * - `streaming`: the answer is still arriving (or about to: an empty placeholder).
 * - `done`: complete.
 * - `error`: failed; `error` says why, partial text (if any) is kept.
 * - `interrupted`: the connection broke after some text arrived; can be continued or retried.
 * - `stopped`: the user pressed stop; the partial text is kept.
 * - `blocked`: content security refused the answer (or the question); `content` is empty and
 *   `error.message` is the notice.
 */
export type MessageStatus = 'done' | 'streaming' | 'error' | 'interrupted' | 'stopped' | 'blocked'

/** Why an answer failed, as the decoder or chat client reported it. */
export interface MessageError {
  /** Readable (Chinese) text for the UI. */
  message: string
  /** Machine code, e.g. `interrupted`, `network`, `content_blocked`, `rate_limit_exceeded`. */
  code?: string
  /** HTTP status when the relay answered with one. */
  status?: number
}

/**
 * A photo attached to a question: a file the app keeps in its user data folder (never its bytes
 * in storage or page data), and where the relay has it.
 */
export interface MessageImage {
  /** The compressed JPEG on the device. */
  path: string
  width: number
  height: number
  bytes: number
  /** The relay's upload id (`upload://<id>` in requests) once uploaded. */
  uploadId?: string
  /** When it was uploaded (uploads expire on the relay). */
  uploadedAt?: number
}

/** One chat message. Plain JSON: it is stored as is. */
export interface Message {
  id: string
  role: MessageRole
  /** Markdown text of the answer, or the user's text. */
  content: string
  /** Photos sent with the question (user messages only). */
  images?: MessageImage[]
  /** The model's reasoning ("thinking") text, reasoning models only. */
  reasoning?: string
  /** When the first reasoning text arrived (ms since epoch). */
  reasoningStartedAt?: number
  /** How long reasoning took, set when the answer proper starts or the stream ends. */
  reasoningMs?: number
  status: MessageStatus
  error?: MessageError
  usage?: ChatUsage
  /** The provider's `finish_reason` (`stop`, `length`, …) once done. */
  finishReason?: string | null
  createdAt: number
  /** The relay generation producing (or that produced) this answer: the client reattaches to it. */
  generationId?: string
  /** The last event of that generation already in `content`: a reattach asks for what follows. */
  lastEventId?: string
  /** The user's 👍 / 👎 on this answer. */
  feedback?: 'up' | 'down'
  /** The user reported this answer (举报). */
  reported?: boolean
  /** The user hid this answer (after reporting it): its text is gone, a notice stands in. */
  hidden?: boolean
}

/** A conversation: plain JSON, stored under its own key. */
export interface Conversation {
  id: string
  title: string
  /** True once the user renamed it: the title then no longer follows the first message. */
  titleEdited?: boolean
  createdAt: number
  updatedAt: number
  messages: Message[]
}
