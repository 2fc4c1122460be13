import type { Settings } from '../settings/index'
import { normalizeRelayUrl } from '../settings/index'
import { buildRequestMessages } from './context'
import type { Conversation } from './types'

/** Character budget of one request's messages (system prompt included). */
export const REQUEST_MAX_CHARS = 24_000

/** Shown when the newest question alone was over the budget and its middle was left out. */
export const TRUNCATED_NOTICE = '消息过长，已省略中间部分'

/** One chat request, ready for the chat client. */
export interface ChatRequestPlan {
  /** The relay's base URL (normalized). */
  relayUrl: string
  /** The OpenAI request body. */
  body: { model: string; messages: { role: string; content: string }[]; temperature: number; stream: boolean }
  /** The settings' access token, when set (otherwise the WeChat login supplies one). */
  token?: string
  streaming: boolean
  /** Something the user should be told about the request (a toast), if anything. */
  notice?: string
}

/** The request that answers the conversation's newest question with these settings. */
export function planChatRequest(
  conversation: Conversation,
  settings: Settings,
  streaming: boolean,
): ChatRequestPlan {
  const context = buildRequestMessages(conversation, {
    systemPrompt: settings.systemPrompt,
    maxMessages: settings.maxMessages,
    maxChars: REQUEST_MAX_CHARS,
  })
  const plan: ChatRequestPlan = {
    relayUrl: normalizeRelayUrl(settings.relayUrl),
    body: {
      model: settings.model,
      messages: context.messages,
      temperature: settings.temperature,
      stream: streaming,
    },
    streaming,
  }
  if (settings.token) plan.token = settings.token
  if (context.truncatedUserMessage) plan.notice = TRUNCATED_NOTICE
  return plan
}
