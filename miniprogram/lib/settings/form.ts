import type { Settings } from './rules'

/** The settings form as typed: numbers stay text until saved, so a half-typed "0." is not lost. */
export interface SettingsForm {
  relayUrl: string
  token: string
  model: string
  systemPrompt: string
  temperature: string
  maxMessages: string
}

/** Settings → what the form shows. */
export function toForm(settings: Settings): SettingsForm {
  return { ...settings, temperature: String(settings.temperature), maxMessages: String(settings.maxMessages) }
}

/** What the form holds → settings to validate (an empty number field is NaN, which validation names). */
export function fromForm(form: SettingsForm): Settings {
  return {
    relayUrl: form.relayUrl.trim(),
    token: form.token.trim(),
    model: form.model,
    systemPrompt: form.systemPrompt,
    temperature: form.temperature.trim() === '' ? Number.NaN : Number(form.temperature),
    maxMessages: form.maxMessages.trim() === '' ? Number.NaN : Number(form.maxMessages),
  }
}
