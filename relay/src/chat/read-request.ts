import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RelayConfig } from '../config'
import { errorStatus } from '../errors'
import type { ChatRequestBody } from '../hooks'
import { readBody } from '../http/body'
import { validateChatBody } from './validate'

/** Reads the body (at most RELAY_MAX_BODY_BYTES) and validates it as a chat request. */
export async function readChatRequest(
  req: IncomingMessage,
  res: ServerResponse,
  config: RelayConfig,
): Promise<ChatRequestBody> {
  try {
    return validateChatBody(await readBody(req, config.maxBodyBytes), config)
  } catch (error) {
    if (errorStatus(error) === 413) {
      // The rest of an oversized body is discarded and the connection closed after the answer.
      res.setHeader('Connection', 'close')
      req.resume()
    }
    throw error
  }
}
