import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'
import { readRequestBody } from '../http/body'
import { parseJsonBody } from '../http/json'
import type { Logger } from '../log'
import type { PushedVerdict } from './media-check'
import { verifyPush } from './push-signature'

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

/**
 * `GET /wx/push` (the console's URL check: echo `echostr` once the signature holds) and
 * `POST /wx/push` (events in plaintext JSON mode; `wxa_media_check` verdicts go to `onVerdict`).
 * A push whose signature does not hold with WX_PUSH_TOKEN, or is older than five minutes, is
 * refused with 401 and ignored. The safe (encrypted) mode is not read: pick 明文模式, JSON.
 */
export function createPushRoutes(
  token: string,
  onVerdict: (verdict: PushedVerdict) => void,
  log: Logger,
  now: () => number,
) {
  return {
    [`GET ${PUSH_PATH}`]: async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      text(res, verified(req, res, token, log, now).get('echostr') ?? '')
    },
    [`POST ${PUSH_PATH}`]: async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      verified(req, res, token, log, now)
      const push = parseJsonBody(await readRequestBody(req, res, PUSH_MAX_BYTES))
      if (push === null || typeof push !== 'object' || 'Encrypt' in push) {
        throw new RelayError(400, 'unsupported_push', 'Only plaintext JSON pushes are read (明文模式, JSON)')
      }
      const verdict = verdictOf(push as Record<string, unknown>)
      if (verdict) onVerdict(verdict)
      // WeChat takes "success" (or an empty body) as delivered and does not retry.
      text(res, 'success')
    },
  }
}
