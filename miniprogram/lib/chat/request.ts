import type { Settings } from '../settings/index'
import { normalizeRelayUrl } from '../settings/index'
import { buildRequestMessages } from './context'
import type { Conversation, MessageImage } from './types'
import { keptImages, type WireMessage, wireMessages } from './vision'

/** Character budget of one request's messages (system prompt included). */
export const REQUEST_MAX_CHARS = 24_000

/** Photos sent as images per request (older ones become "[图片]"): each costs the model time and tokens. */
export const CONTEXT_IMAGES = 4

/** An upload the relay forgets after its TTL (1 hour by default): older ones are sent again. */
export const UPLOAD_FRESH_MS = 30 * 60_000

/** Shown when the newest question alone was over the budget and its middle was left out. */
export const TRUNCATED_NOTICE = '消息过长，已省略中间部分'

/** One chat request, ready for the chat client. */
export interface ChatRequestPlan {
  /** The relay's base URL (normalized). */
  relayUrl: string
  /** The OpenAI request body. */
  body: { model: string; messages: WireMessage[]; temperature: number; stream: boolean }
  /** Photos the request names that the relay does not have (fresh) yet: upload them, then plan again. */
  uploads: MessageImage[]
  /** The settings' access token, when set (otherwise the WeChat login supplies one). */
  token?: string
  streaming: boolean
  /** Something the user should be told about the request (a toast), if anything. */
  notice?: string
}

/**
 * The request that answers the conversation's newest question with these settings. Photos go as
 * `upload://` references; `uploads` lists those the relay must be given (again) first.
 */
export function planChatRequest(
  conversation: Conversation,
  settings: Settings,
  streaming: boolean,
  now = Date.now(),
): ChatRequestPlan {
  const context = buildRequestMessages(conversation, {
    systemPrompt: settings.systemPrompt,
    maxMessages: settings.maxMessages,
    maxChars: REQUEST_MAX_CHARS,
  })
  const uploads = [...keptImages(context.messages, CONTEXT_IMAGES)].filter(
    (image) => !image.uploadId || now - (image.uploadedAt ?? 0) > UPLOAD_FRESH_MS,
  )
  const plan: ChatRequestPlan = {
    relayUrl: normalizeRelayUrl(settings.relayUrl),
    body: {
      model: settings.model,
      messages: wireMessages(context.messages, CONTEXT_IMAGES),
      temperature: settings.temperature,
      stream: streaming,
    },
    streaming,
    uploads,
  }
  if (settings.token) plan.token = settings.token
  if (context.truncatedUserMessage) plan.notice = TRUNCATED_NOTICE
  return plan
}
