import { type AppInfo, FALLBACK_APP_INFO, parseAppInfo } from '../lib/review/app-info'
import { normalizeRelayUrl } from '../lib/settings/index'
import { ensureLogin } from './auth'

/** Storage key of the last app-info the relay served (with the relay it came from). */
export const APP_INFO_KEY = 'app-info'

interface Stored {
  relayUrl: string
  info: AppInfo
}

/** The service information to show now: what this relay last served, else the fallback. */
export function currentAppInfo(relayUrl: string): AppInfo {
  try {
    const stored = wx.getStorageSync(APP_INFO_KEY) as Stored | ''
    if (stored && stored.relayUrl === normalizeRelayUrl(relayUrl))
      return parseAppInfo(stored.info) ?? FALLBACK_APP_INFO
  } catch {
    // Unreadable storage: the fallback is shown until the relay answers.
  }
  return FALLBACK_APP_INFO
}

/**
 * Asks the relay for its service information (`GET /v1/app-info`, authorized like every call)
 * and keeps it; resolves the fresh info, or the one shown so far when the relay cannot be asked.
 */
export async function refreshAppInfo(relayUrl: string, token: string): Promise<AppInfo> {
  const base = normalizeRelayUrl(relayUrl)
  const bearer = token || (await ensureLogin(base).catch(() => null)) || undefined
  const fresh = await new Promise<AppInfo | undefined>((resolve) => {
    const header: Record<string, string> = { Accept: 'application/json' }
    if (bearer) header.Authorization = `Bearer ${bearer}`
    try {
      wx.request({
        url: `${base}/v1/app-info`,
        method: 'GET',
        header,
        dataType: 'json',
        timeout: 10_000,
        success: (res) => resolve(res.statusCode === 200 ? parseAppInfo(res.data) : undefined),
        fail: () => resolve(undefined),
      })
    } catch {
      resolve(undefined)
    }
  })
  if (!fresh) return currentAppInfo(base)
  try {
    wx.setStorageSync(APP_INFO_KEY, { relayUrl: base, info: fresh } satisfies Stored)
  } catch {
    // Shown this run; asked again next launch.
  }
  return fresh
}
