import {
  coerceSettings,
  DEFAULT_SETTINGS,
  normalizeSettings,
  type Settings,
  validateSettings,
} from '../lib/settings/index'

/** Storage key of the settings. */
export const SETTINGS_KEY = 'settings'

/**
 * The saved settings, each missing or invalid field replaced by its default
 * (a fresh install, an older version's shape, or unreadable storage).
 */
export function loadSettings(): Settings {
  try {
    return coerceSettings(wx.getStorageSync(SETTINGS_KEY))
  } catch {
    return { ...DEFAULT_SETTINGS }
  }
}

/**
 * Validates, normalizes and saves the settings; returns what was saved.
 * @throws RangeError with the first Chinese validation message when invalid;
 *   storage errors (full storage) are thrown as they come.
 */
export function saveSettings(settings: Settings): Settings {
  const check = validateSettings(settings)
  if (!check.ok) {
    const first = Object.values(check.errors)[0] ?? '设置有误'
    throw new RangeError(first)
  }
  const normalized = normalizeSettings(settings)
  wx.setStorageSync(SETTINGS_KEY, normalized)
  return normalized
}
