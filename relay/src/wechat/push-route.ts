import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'
import { readRequestBody } from '../http/body'
import { parseJsonBody } from '../http/json'
import type { Logger } from '../log'
import type { PushedVerdict } from './media-check'
import { decryptPush } from './push-crypto'
import { verifyEncrypted, verifyPush } from './push-signature'

/** The message-push path to enter in the admin console (开发管理 → 开发设置 → 消息推送). */
export const PUSH_PATH = '/wx/push'

/** Pushes are small JSON objects. */
const PUSH_MAX_BYTES = 64 * 1024

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://relay').searchParams
}

function verified(
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
  log: Logger,
  now: () => number,
): URLSearchParams {
  const query = queryOf(req)
  if (verifyPush(query, token, now())) return query
  log.warn('push refused: bad or stale signature')
  // Its body is not read: the connection cannot carry another request.
  res.setHeader('Connection', 'close')
  throw new RelayError(401, 'invalid_signature', 'The push is not signed with this relay’s push token')
}

function text(res: ServerResponse, body: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** The verdict a `wxa_media_check` push carries (v2: `result.suggest`; an `errcode` means no verdict). */
function verdictOf(push: Record<string, unknown>): PushedVerdict | null {
  if (push.Event !== 'wxa_media_check' || typeof push.trace_id !== 'string') return null
  const failed = typeof push.errcode === 'number' && push.errcode !== 0
  const suggest = (push.result as { suggest?: unknown } | undefined)?.suggest
  return { traceId: push.trace_id, suggest: !failed && typeof suggest === 'string' ? suggest : null }
}

/** How the push endpoint checks and reads pushes. */
export interface PushSettings {
  /** WX_PUSH_TOKEN. */
  token: string
  /** The safe mode's AES key (WX_PUSH_AES_KEY) and the AppID its messages must carry; null: plaintext only. */
  aes: { key: Buffer; appid: string } | null
}

/** The event a push body carries: itself in plaintext mode, its decrypted `Encrypt` field in safe mode. */
function eventOf(body: unknown, query: URLSearchParams, settings: PushSettings): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RelayError(400, 'unsupported_push', 'A push must be a JSON object (数据格式 JSON)')
  }
  const encrypted = (body as { Encrypt?: unknown }).Encrypt
  if (encrypted === undefined) return body as Record<string, unknown>
  if (!settings.aes) {
    throw new RelayError(400, 'unsupported_push', 'Encrypted push, but WX_PUSH_AES_KEY is not set')
  }
  if (typeof encrypted !== 'string' || !verifyEncrypted(query, settings.token, encrypted)) {
    throw new RelayError(
      401,
      'invalid_signature',
      'The push’s msg_signature does not cover its Encrypt field',
    )
  }
  const message = decryptPush(encrypted, settings.aes.key, settings.aes.appid)
  if (message === null)
    throw new RelayError(401, 'invalid_signature', 'The push does not decrypt for this app')
  return eventOf(parseJsonBody(Buffer.from(message)), query, { ...settings, aes: null })
}

/**
 * `GET /wx/push` (the console's URL check: echo `echostr` once the signature holds) and
 * `POST /wx/push` (JSON events, plaintext or — with WX_PUSH_AES_KEY — safe mode; `wxa_media_check`
 * verdicts go to `onVerdict`). A push whose signature does not hold with WX_PUSH_TOKEN, is older
 * than five minutes, or (safe mode) whose msg_signature or encryption does not hold, is refused
 * with 401 and ignored.
 */
export function createPushRoutes(
  settings: PushSettings,
  onVerdict: (verdict: PushedVerdict) => void,
  log: Logger,
  now: () => number,
) {
  const { token } = settings
  return {
    [`GET ${PUSH_PATH}`]: async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      text(res, verified(req, res, token, log, now).get('echostr') ?? '')
    },
    [`POST ${PUSH_PATH}`]: async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const query = verified(req, res, token, log, now)
      const push = eventOf(parseJsonBody(await readRequestBody(req, res, PUSH_MAX_BYTES)), query, settings)
      const verdict = verdictOf(push)
      if (verdict) onVerdict(verdict)
      // WeChat takes "success" (or an empty body) as delivered and does not retry.
      text(res, 'success')
    },
  }
}
