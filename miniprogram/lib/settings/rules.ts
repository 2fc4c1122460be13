import { normalizeRelayUrl } from './relay-url'

/** What the user sets on the settings page. Plain JSON: stored as is. */
export interface Settings {
  /** Base URL of the relay, without `/v1/...` (e.g. `https://relay.example.com`). */
  relayUrl: string
  /** Access token sent as `Authorization: Bearer …`; empty to rely on WeChat login. */
  token: string
  /** Model id as the relay's `/v1/models` lists it. */
  model: string
  /** Sent as the `system` message when not blank. */
  systemPrompt: string
  /** Sampling temperature, 0–2. */
  temperature: number
  /** How many past messages to send with each request, 0–100. */
  maxMessages: number
}

/** Settings of a fresh install: the local development relay and its demo model. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  relayUrl: 'http://127.0.0.1:8787',
  token: '',
  model: 'demo',
  systemPrompt: '',
  temperature: 0.7,
  maxMessages: 20,
})

/** Limits the settings page enforces. */
export const SETTINGS_LIMITS = {
  systemPromptChars: 4000,
  modelChars: 100,
  tokenChars: 512,
  maxMessages: 100,
  temperature: 2,
} as const

/** Result of `validateSettings`: per-field Chinese messages when not ok. */
export type SettingsValidation = { ok: true } | { ok: false; errors: Partial<Record<keyof Settings, string>> }

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '') return Number(value)
  return Number.NaN
}

/** Settings cleaned up for saving: trimmed strings, numbers from form strings, URL normalized. */
export function normalizeSettings(input: Settings): Settings {
  return {
    relayUrl: normalizeRelayUrl(String(input.relayUrl ?? '')),
    token: String(input.token ?? '').trim(),
    model: String(input.model ?? '').trim(),
    systemPrompt: String(input.systemPrompt ?? ''),
    temperature: toNumber(input.temperature),
    maxMessages: toNumber(input.maxMessages),
  }
}

/**
 * Checks every field and says what is wrong in Chinese, field by field, so
 * the page can show each message under its input. Accepts numbers typed as
 * strings (form inputs). Plain `http://` is allowed: the local relay and
 * DevTools use it (real devices need an HTTPS domain on the allow list).
 */
export function validateSettings(input: Settings): SettingsValidation {
  const s = normalizeSettings(input)
  const errors: Partial<Record<keyof Settings, string>> = {}
  if (s.relayUrl === '') errors.relayUrl = '请填写中转地址'
  else if (!/^https?:\/\//i.test(s.relayUrl)) errors.relayUrl = '中转地址须以 https:// 或 http:// 开头'
  else if (!/^https?:\/\/[^\s/?#:]+(:\d{1,5})?(\/[^\s?#]*)?$/i.test(s.relayUrl)) {
    errors.relayUrl = '中转地址格式不正确'
  }
  if (/\s/.test(s.token)) errors.token = '访问令牌不能包含空格或换行'
  else if (s.token.length > SETTINGS_LIMITS.tokenChars) errors.token = '访问令牌太长'
  if (s.model === '') errors.model = '请选择或填写模型'
  else if (s.model.length > SETTINGS_LIMITS.modelChars) errors.model = '模型名称太长'
  if (s.systemPrompt.length > SETTINGS_LIMITS.systemPromptChars) {
    errors.systemPrompt = `系统提示词不能超过 ${SETTINGS_LIMITS.systemPromptChars} 字`
  }
  if (!Number.isFinite(s.temperature) || s.temperature < 0 || s.temperature > SETTINGS_LIMITS.temperature) {
    errors.temperature = '温度须是 0 到 2 之间的数字'
  }
  if (!Number.isInteger(s.maxMessages) || s.maxMessages < 0 || s.maxMessages > SETTINGS_LIMITS.maxMessages) {
    errors.maxMessages = '历史消息条数须是 0 到 100 之间的整数'
  }
  return Object.keys(errors).length === 0 ? { ok: true } : { ok: false, errors }
}

/**
 * Stored settings (any shape: older versions, hand edits, missing keys) →
 * complete valid settings: each invalid or missing field takes its default.
 */
export function coerceSettings(raw: unknown): Settings {
  const stored =
    typeof raw === 'object' && raw !== null ? (raw as Partial<Record<keyof Settings, unknown>>) : {}
  const merged = { ...DEFAULT_SETTINGS }
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
    const value = stored[key]
    if (value === undefined || value === null) continue
    const candidate = normalizeSettings({ ...DEFAULT_SETTINGS, [key]: value } as Settings)
    const check = validateSettings(candidate)
    if (check.ok || !(key in check.errors)) (merged as Record<string, unknown>)[key] = candidate[key]
  }
  return merged
}
