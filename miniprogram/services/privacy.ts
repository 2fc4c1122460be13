/**
 * WeChat's privacy protection rules (since 2023-09): a privacy-related API — the clipboard, choosing
 * images, recording — waits until the user agreed to the mini program's privacy guide. WeChat then
 * calls `onNeedPrivacyAuthorization` with a `resolve` to answer once the user chose. Every privacy
 * API call of the app goes through `withPrivacy`, and a `privacy-popup` component on the page asks.
 * Base libraries before 2.32.3 have none of this: calls then simply go through.
 */

/** WeChat's answer function (its typings give the listener a wrong type). */
type Resolve = (answer: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void

/** What the user is told when they declined, by the feature that needed it. */
export const PRIVACY_DECLINED = '你未同意隐私保护指引，暂时无法使用该功能'

let pending: Resolve | null = null
const askers = new Set<(asking: boolean) => void>()

/** Installs the one listener WeChat allows (a later registration replaces it). App.onLaunch calls it. */
export function installPrivacyHandler(): void {
  pending = null
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return
  const listener = (resolve: Resolve) => {
    // Only one question at a time: a second API waiting behind the first gets the same answer.
    pending?.({ event: 'disagree' })
    pending = resolve
    if (askers.size === 0) {
      // No page can show the guide right now: decline rather than leave the API hanging.
      answerPrivacy(false)
      return
    }
    resolve({ event: 'exposureAuthorization' })
    for (const ask of askers) ask(true)
  }
  wx.onNeedPrivacyAuthorization(listener as unknown as WechatMiniprogram.OnNeedPrivacyAuthorizationCallback)
}

/** A privacy popup shows itself while `asking`; returns the function that stops listening. */
export function watchPrivacyRequests(ask: (asking: boolean) => void): () => void {
  askers.add(ask)
  return () => askers.delete(ask)
}

/**
 * The user chose in the popup. `buttonId` is the id of the `open-type="agreePrivacyAuthorization"`
 * button they tapped (WeChat checks that it was tapped).
 */
export function answerPrivacy(agree: boolean, buttonId?: string): void {
  const resolve = pending
  pending = null
  for (const ask of askers) ask(false)
  resolve?.(agree ? { event: 'agree', buttonId } : { event: 'disagree' })
}

/** True for WeChat's "the user did not authorize privacy" failure. */
export function isPrivacyRefusal(error: unknown): boolean {
  const raw = error as { errno?: number; errMsg?: string } | undefined
  return raw?.errno === 104 || /privacy permission is not authorized/i.test(raw?.errMsg ?? '')
}

/**
 * Runs a privacy API call (a `wx.*` with success/fail, wrapped as a promise). A refusal of the
 * privacy guide is not an error of the app: it resolves `undefined` after telling the user why.
 */
export async function withPrivacy<T>(
  call: () => Promise<T>,
  onDeclined: (message: string) => void,
): Promise<T | undefined> {
  try {
    return await call()
  } catch (error) {
    if (!isPrivacyRefusal(error)) throw error
    onDeclined(PRIVACY_DECLINED)
    return undefined
  }
}
