/** The user's settings as pure data: rules, defaults, the form's text fields, the relay URL's forms. */
export { fromForm, type SettingsForm, toForm } from './form'
export { normalizeRelayUrl, relayEndpoint } from './relay-url'
export {
  coerceSettings,
  DEFAULT_SETTINGS,
  normalizeSettings,
  type Settings,
  type SettingsValidation,
  validateSettings,
} from './rules'
