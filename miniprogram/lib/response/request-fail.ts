import { errorMessage } from '../errors/index'
import type { ErrorUpdate } from './refusal'

/**
 * A WeChat's `request` fail → error update. `request:fail interrupted` (or any
 * failure after the app went to the background) is `background`; timeouts are
 * `timeout`; an abort nobody asked for is `aborted`; the rest is `network`.
 */
export function describeRequestFail(errMsg: string | undefined, appHidden: boolean): ErrorUpdate {
  const text = (errMsg ?? '').toLowerCase()
  if (appHidden || text.includes('interrupted')) {
    return { type: 'error', code: 'background', message: errorMessage('background') }
  }
  if (text.includes('timeout') || text.includes('timed out')) {
    return { type: 'error', code: 'timeout', message: errorMessage('timeout') }
  }
  if (/\babort/.test(text)) return { type: 'error', code: 'aborted', message: errorMessage('aborted') }
  return { type: 'error', code: 'network', message: errorMessage('network') }
}
