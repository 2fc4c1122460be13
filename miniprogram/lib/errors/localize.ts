import type { ChatUpdate } from '../stream/index'
import { errorMessage, GENERIC_MESSAGE, isKnownCode } from './codes'

type ErrorUpdate = Extract<ChatUpdate, { type: 'error' }>

/** Whether `text` contains Chinese (CJK) characters, i.e. can be shown to the user as is. */
export function hasChinese(text: string): boolean {
  return /[\u3400-\u9fff\uf900-\ufaff]/.test(text)
}

/**
 * The one door between an error and the UI: a message the user can read, in Chinese. A relay's
 * or provider's own Chinese text is kept (it may be more specific); English text — an upstream's
 * `upstream went silent`, a provider's `Rate limit reached` — gives way to the table's text for the
 * code, or to a generic one.
 */
export function localizeError(update: ErrorUpdate): ErrorUpdate {
  if (hasChinese(update.message)) return update
  const message = isKnownCode(update.code) ? errorMessage(update.code) : GENERIC_MESSAGE
  return { ...update, message }
}
