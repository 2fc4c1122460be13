import type { RelayConfig } from '../config'
import { RelayError } from '../errors'
import type { ChatRequestBody } from '../hooks'
import { parseJsonBody } from '../http/json'

const ROLES = new Set(['system', 'user', 'assistant', 'tool'])

function bad(code: string, message: string): RelayError {
  return new RelayError(400, code, message)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkContent(content: unknown, index: number): void {
  if (typeof content === 'string') return
  if (Array.isArray(content)) {
    for (const part of content) {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') continue
      throw bad('invalid_messages', `messages[${index}].content parts must be {"type":"text","text":string}`)
    }
    return
  }
  throw bad('invalid_messages', `messages[${index}].content must be a string or an array of text parts`)
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw bad('invalid_messages', 'messages must be a non-empty array')
  }
  messages.forEach((message, index) => {
    if (!isRecord(message)) throw bad('invalid_messages', `messages[${index}] must be an object`)
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
      throw bad('invalid_messages', `messages[${index}].role must be one of system, user, assistant, tool`)
    }
    checkContent(message.content, index)
  })
}

function checkRange(body: Record<string, unknown>, field: string, min: number, max: number): void {
  const value = body[field]
  if (value === undefined || value === null) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw bad('invalid_parameter', `${field} must be a number between ${min} and ${max}`)
  }
}

function capTokens(body: Record<string, unknown>, field: string, cap: number): void {
  const value = body[field]
  if (value === undefined || value === null) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw bad('invalid_parameter', `${field} must be a positive integer`)
  }
  // Capped rather than refused: the client cannot know the relay's budget.
  if (value > cap) body[field] = cap
}

/**
 * Parses and checks a chat-completions body. Unknown fields pass through (the
 * upstream decides), the model defaults to the first allowed one, and
 * `max_tokens` is capped at the configured maximum.
 */
export function validateChatBody(raw: Buffer, config: RelayConfig): ChatRequestBody {
  const parsed = parseJsonBody(raw)
  if (!isRecord(parsed)) throw bad('invalid_json', 'Request body must be a JSON object')
  const body = parsed
  if (body.model === undefined || body.model === null || body.model === '') body.model = config.models[0]
  if (body.model === undefined) throw bad('invalid_parameter', 'model is required')
  if (typeof body.model !== 'string') throw bad('invalid_parameter', 'model must be a string')
  // An empty allow-list (upstream set, RELAY_MODELS unset) lets the upstream decide.
  if (config.models.length > 0 && !config.models.includes(body.model)) {
    throw bad('model_not_found', `The model "${body.model}" is not available on this relay`)
  }
  checkMessages(body.messages)
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    throw bad('invalid_parameter', 'stream must be a boolean')
  }
  if (body.stream_options !== undefined && body.stream_options !== null && !isRecord(body.stream_options)) {
    throw bad('invalid_parameter', 'stream_options must be an object')
  }
  checkRange(body, 'temperature', 0, 2)
  checkRange(body, 'top_p', 0, 1)
  capTokens(body, 'max_tokens', config.maxTokensCap)
  capTokens(body, 'max_completion_tokens', config.maxTokensCap)
  return body as ChatRequestBody
}
