/**
 * Pure parts of the chat client (no `wx`): HTTP errors and WeChat's `request`
 * failures → readable Chinese updates, whole-body answers → updates, bytes and
 * headers helpers. `services/chat-client.ts` wires them to WeChat's `request`.
 */
export { parseCompletionBody } from './completion'
export { describeRequestFail } from './fail'
export type { ErrorUpdate, RelayErrorBody } from './http-error'
export {
  describeHttpError,
  PASS_THROUGH_CODES,
  parseRelayError,
  retryAfterSeconds,
} from './http-error'
export { bytesToText, concatBytes, hasChinese, headerValue, responseBytes, textToBytes } from './text'
