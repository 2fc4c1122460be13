import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RelayConfig } from '../config'
import type { ChatRequestBody } from '../hooks'
import { readJsonBody } from '../http/json'
import { validateChatBody } from './validate'

/** Reads the JSON body (at most RELAY_MAX_BODY_BYTES, by the request's deadline) and validates it as a chat request. */
export async function readChatRequest(
  req: IncomingMessage,
  res: ServerResponse,
  config: RelayConfig,
): Promise<ChatRequestBody> {
  return validateChatBody(await readJsonBody(req, res, config.maxBodyBytes), config)
}
