import { CLIENT_MESSAGES, type ErrorUpdate } from './http-error'

/**
 * A WeChat's `request` fail → error update. `request:fail interrupted` (or any
 * failure after the app went to the background) is `background`; timeouts are
 * `timeout`; an abort nobody asked for is `aborted`; the rest is `network`.
 */
export function describeRequestFail(errMsg: string | undefined, appHidden: boolean): ErrorUpdate {
  const text = (errMsg ?? '').toLowerCase()
  if (appHidden || text.includes('interrupted')) {
    return { type: 'error', code: 'background', message: CLIENT_MESSAGES.background }
  }
  if (text.includes('timeout') || text.includes('timed out')) {
    return { type: 'error', code: 'timeout', message: CLIENT_MESSAGES.timeout }
  }
  if (/\babort/.test(text)) return { type: 'error', code: 'aborted', message: CLIENT_MESSAGES.aborted }
  return { type: 'error', code: 'network', message: CLIENT_MESSAGES.network }
}
