import { errorMessage, hasChinese, isKnownCode } from '../errors/index'
import { type ErrorFields, readErrorText } from '../openai/index'
import type { ChatUpdate } from '../stream/index'
import { headerValue, retryAfterSeconds } from './headers'

/** The error update the client emits. */
export type ErrorUpdate = Extract<ChatUpdate, { type: 'error' }>

/** What a relay (or an OpenAI-compatible gateway) said in a JSON error body. */
export type RelayErrorBody = ErrorFields

/**
 * Relay codes that say more than the status and that the page reacts to (hide
 * the answer, offer no retry…): passed through instead of mapped by status.
 */
export const PASS_THROUGH_CODES: readonly string[] = [
  'content_blocked',
  'quota_exceeded',
  'insufficient_quota',
  'model_not_found',
  'context_length_exceeded',
  'seccheck_unavailable',
  'generation_not_found',
  'upload_not_found',
  'vision_not_supported',
  'request_timeout',
]

function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

function byStatus(
  status: number | undefined,
  relay: RelayErrorBody,
  retryAfter: number | undefined,
): ErrorUpdate {
  const s = status ?? 0
  if (s === 401 || s === 403)
    return { type: 'error', code: 'unauthorized', message: errorMessage('unauthorized') }
  if (s === 404) return { type: 'error', code: 'not_found', message: errorMessage('not_found') }
  if (s === 413) return { type: 'error', code: 'too_large', message: errorMessage('too_large') }
  if (s === 429) {
    const message =
      retryAfter !== undefined ? `请求太频繁，请 ${retryAfter} 秒后再试` : errorMessage('rate_limited')
    return { type: 'error', code: 'rate_limited', message }
  }
  if (s >= 500) {
    const message =
      relay.message && hasChinese(relay.message)
        ? `${relay.message}（HTTP ${s}）`
        : `中转服务或上游模型暂时不可用（HTTP ${s}），请稍后再试`
    return { type: 'error', code: 'server', message }
  }
  const label = status === undefined ? '请求失败' : `请求失败（HTTP ${s}）`
  const relayText = relay.message
  const message = relayText ? (hasChinese(relayText) ? relayText : `${label}：${clip(relayText)}`) : label
  return { type: 'error', code: 'http', message }
}

/**
 * A refused request (non-2xx status, or a JSON error instead of an event
 * stream) → one readable Chinese error update carrying the status. The code
 * follows the status (401/403 unauthorized, 404 not_found, 413 too_large, 429
 * rate_limited, 5xx server, else http) except for `PASS_THROUGH_CODES`, which
 * keep the relay's code and its message when Chinese; a 401 is always
 * `unauthorized` so the login layer can renew the session.
 */
export function describeHttpError(
  status: number | undefined,
  bodyText: string,
  headers: unknown,
  now: number,
): ErrorUpdate {
  const relay = readErrorText(bodyText)
  const retryAfter = retryAfterSeconds(headerValue(headers, 'retry-after'), now)
  let update: ErrorUpdate
  if (relay.code && PASS_THROUGH_CODES.includes(relay.code) && status !== 401) {
    const message =
      relay.message && hasChinese(relay.message)
        ? relay.message
        : isKnownCode(relay.code)
          ? errorMessage(relay.code)
          : byStatus(status, relay, retryAfter).message
    update = { type: 'error', code: relay.code, message }
  } else {
    update = byStatus(status, relay, retryAfter)
  }
  if (status !== undefined) update.status = status
  return update
}
