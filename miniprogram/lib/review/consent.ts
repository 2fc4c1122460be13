import type { AppInfo } from './app-info'

/** What the user agreed to: the versions of the two texts. */
export interface Consent {
  agreement: string
  privacy: string
}

/**
 * Whether the user must (again) agree before sending: never agreed, or either text has a new
 * version since. Texts without a version (the relay not reached yet) cannot be agreed to.
 */
export function consentNeeded(consent: Consent | null, info: AppInfo): boolean {
  if (!consent) return true
  return consent.agreement !== info.agreement.version || consent.privacy !== info.privacy.version
}

/** The consent that agreeing to these texts records, or null when they have no version yet. */
export function consentFor(info: AppInfo): Consent | null {
  if (!info.agreement.version || !info.privacy.version) return null
  return { agreement: info.agreement.version, privacy: info.privacy.version }
}
