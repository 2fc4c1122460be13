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

/**
 * Judges answer text before any of it reaches the client (content security). The relay holds the
 * answer's events per segment, asks `check` about each segment (several may be in flight, each
 * with the end of the text before it for context), and releases a segment's events only once it
 * passed, in order.
 */
export interface OutputCheck {
  /** Longest text one `check` call may be given, context included (msg_sec_check: 2,500 characters). */
  maxChars: number
  /** A segment closes at a sentence end once it holds this many characters… */
  minChars: number
  /** …or this long after its first character arrived, wherever it stands. */
  holdMs: number
  /** How many times `holdMs` to hold right now (≥ 1): more when the check's call budget runs low. */
  holdScale?(): number
  /** Resolves when `text` may be shown; rejects with a RelayError (`content_blocked`, `seccheck_unavailable`). */
  check(text: string): Promise<void>
}

/** An uploaded image on its way upstream (or a recording being transcribed), as `checkImage` / `checkAudio` see it. */
export interface ImageForCheck {
  /** The upload's id (a recording's: kept only until its check is over). */
  id: string
  type: string
  bytes: number
  /** A short-lived signed URL of the image (or recording) on this relay (`GET /wx/media?…`), for a checker that fetches. */
  url: string
}

/** What `checkImage` made of an image: `unchecked` (no verdict, let through by policy) is not cached. */
export type ImageVerdict = 'pass' | 'risky' | 'unchecked'

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
   * Judges each image before it goes upstream (after `beforeUpstream`); the relay sends no image
   * without a verdict, keeps `pass` / `risky` with the upload (each image is checked once) and
   * refuses a `risky` one with `content_blocked`. Throw a RelayError to refuse for another reason.
   */
  checkImage?(ctx: RelayContext, image: ImageForCheck): Promise<ImageVerdict>
  /**
   * Judges a recording sent to `POST /v1/audio/transcriptions`, while the ASR call runs; the
   * transcript is returned only after `pass` (or `unchecked`), `risky` refuses with `content_blocked`.
   */
  checkAudio?(user: RelayUser, audio: ImageForCheck): Promise<ImageVerdict>
  /** Judges a transcript before it is returned; throw a RelayError (`content_blocked`) to withhold it. */
  checkTranscript?(user: RelayUser, text: string): Promise<void>
  /**
   * Each new piece of answer text (content and reasoning), in order, as it streams. It watches:
   * bytes are not held for it (`outputCheck` holds them); a rejection stops the stream with an
   * error frame carrying the RelayError's code.
   */
  onOutputText?(ctx: RelayContext, text: string): Promise<void>
  /**
   * Called once per answer, after `beforeUpstream`: a check to hold the answer's text for (no text
   * reaches the client before it passed), or null to stream it unchecked. Also applied, whole, to
   * `stream: false` answers.
   */
  outputCheck?(ctx: RelayContext): OutputCheck | null
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
