import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ClientAbort } from './chat/client-abort'
import type { RelayConfig } from './config'

/** Who is calling, as established by `authenticate` or a static token. */
export interface RelayUser {
  /** Stable id used for rate limits and quotas (`token:<hash>` or `ip:<addr>` when not from a hook). */
  userId: string
  /** WeChat openid when known (wx.login session or Cloud Hosting header). */
  openid?: string
}

/** A validated chat request, as forwarded upstream. */
export interface ChatRequestBody {
  model: string
  messages: Array<{ role: string; content: unknown; [key: string]: unknown }>
  stream?: boolean
  [key: string]: unknown
}

/** Token counts in OpenAI's wire shape, as the upstream (or demo) reported them. */
export interface UsageInfo {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** One chat request as the hooks see it. */
export interface RelayContext {
  /** Short random id, also in log lines. */
  requestId: string
  /** The raw request (headers, socket). */
  req: IncomingMessage
  /** The caller; `ip:<addr>` when the relay is open. */
  user: RelayUser
  /** The validated body; `beforeUpstream` may still change it (e.g. trim messages). */
  body: ChatRequestBody
  /** Whether the client asked for a stream. */
  stream: boolean
  /** Aborted when the client goes away or the stream ends. */
  readonly signal: AbortSignal
  /** The same abort without an AbortSignal (what the relay itself listens to; cheaper per request). */
  readonly abort: ClientAbort
  /** Scratch space for hooks (kept per request). */
  state: Record<string, unknown>
}

/** Handles a custom route; the relay answers 500 JSON if it throws a non-RelayError. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, config: RelayConfig) => Promise<void>

/**
 * Extension points for the WeChat login / quota / content-security layer.
 * Every hook may throw a `RelayError` to refuse with that status and code.
 */
export interface RelayHooks {
  /**
   * Runs first on every `/v1/*` request. Return a user to accept; `null` falls back
   * to the static `RELAY_TOKENS` check (or open mode when there are none).
   */
  authenticate?(req: IncomingMessage): Promise<RelayUser | null>
  /** Runs after validation and rate limiting, before any upstream (or demo) call; throw to refuse. */
  beforeUpstream?(ctx: RelayContext): Promise<void>
  /**
   * Each new piece of answer text (content, not reasoning), in order, as it streams.
   * Bytes are forwarded without waiting for it; a rejection stops the stream with an
   * error frame carrying the RelayError's code (e.g. `content_blocked`).
   */
  onOutputText?(ctx: RelayContext, text: string): Promise<void>
  /**
   * After the last answer text, before the stream's end (`[DONE]`) reaches the client;
   * throw to end the stream with an error frame instead. The relay holds back the
   * upstream chunk that completes the answer until this settles.
   */
  onOutputEnd?(ctx: RelayContext): Promise<void>
  /** The usage reported at the end of an answer. */
  onUsage?(ctx: RelayContext, usage: UsageInfo): Promise<void>
  /** Once per chat request that reached `beforeUpstream`, however it ended. */
  onEnd?(ctx: RelayContext): Promise<void>
  /**
   * Extra routes keyed `"METHOD /path"` (e.g. `"POST /v1/auth/login"`). They run before
   * authentication and rate limiting, so they must check what they need themselves.
   */
  routes?: Record<string, RouteHandler>
  /** Called by `relay.close()` (e.g. to disconnect Redis). */
  close?(): Promise<void>
}
