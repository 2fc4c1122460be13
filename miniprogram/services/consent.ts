import type { Consent } from '../lib/review/consent'

/** Storage key of the versions of the texts the user agreed to. */
export const CONSENT_KEY = 'consent'

/** What the user agreed to, or null. */
export function loadConsent(): Consent | null {
  try {
    const raw = wx.getStorageSync(CONSENT_KEY) as Partial<Consent> | ''
    if (raw && typeof raw.agreement === 'string' && typeof raw.privacy === 'string') {
      return { agreement: raw.agreement, privacy: raw.privacy }
    }
  } catch {
    // Asked again: better than assuming consent.
  }
  return null
}

/** Remembers the user's consent to these versions. */
export function saveConsent(consent: Consent): void {
  wx.setStorageSync(CONSENT_KEY, consent)
}
