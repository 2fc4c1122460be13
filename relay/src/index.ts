/**
 * The relay's public surface for code that embeds it (the preview, end-to-end tests): settings,
 * the app (a request listener) and the server around it, the hooks contract and its error type.
 */
export { loadConfig, type RelayConfig, type UpstreamConfig } from './config'
export { RelayError } from './errors'
export type {
  ChatRequestBody,
  OutputCheck,
  RelayContext,
  RelayHooks,
  RelayUser,
  RouteHandler,
  UsageInfo,
} from './hooks'
export { createRelayApp, type RelayApp, type RelayOptions } from './http/app'
export { createRelay, listen, type Relay } from './http/server'
