import { isImagePart } from './image-parts'
import { bad, isRecord } from './validate-fields'

const ROLES = new Set(['system', 'user', 'assistant', 'tool'])

/** Content parts per message: a question with a few photos needs a handful, not thousands. */
export const MAX_CONTENT_PARTS = 64

function checkContent(content: unknown, index: number, toolCalls: boolean, role: unknown): void {
  if (typeof content === 'string') return
  // An assistant turn that only called tools has no text.
  if (content === null && toolCalls) return
  if (Array.isArray(content)) {
    if (content.length > MAX_CONTENT_PARTS) {
      throw bad('invalid_messages', `messages[${index}].content has more than ${MAX_CONTENT_PARTS} parts`)
    }
    for (const part of content) {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') continue
      if (role === 'user' && isImagePart(part, index)) continue
      throw bad(
        'invalid_messages',
        `messages[${index}].content parts must be {"type":"text","text":string} or, in user messages, {"type":"image_url","image_url":{"url":"upload://<id>"}}`,
      )
    }
    return
  }
  throw bad('invalid_messages', `messages[${index}].content must be a string or an array of content parts`)
}

/** The fields of a tool-calling turn, forwarded only when tools are allowed. */
function toolFields(message: Record<string, unknown>, index: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (message.tool_calls !== undefined) {
    if (!Array.isArray(message.tool_calls) || !message.tool_calls.every(isRecord)) {
      throw bad('invalid_messages', `messages[${index}].tool_calls must be an array of objects`)
    }
    fields.tool_calls = message.tool_calls
  }
  if (message.tool_call_id !== undefined) {
    if (typeof message.tool_call_id !== 'string') {
      throw bad('invalid_messages', `messages[${index}].tool_call_id must be a string`)
    }
    fields.tool_call_id = message.tool_call_id
  }
  return fields
}

/**
 * The messages as forwarded: each checked, and rebuilt from the fields the relay knows (`role`,
 * `content`, `name`; `tool_calls` and `tool_call_id` only with tools allowed). Anything else a
 * client adds to a message stays with the relay.
 */
export function readMessages(messages: unknown, tools: boolean): Array<Record<string, unknown>> {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw bad('invalid_messages', 'messages must be a non-empty array')
  }
  return messages.map((message, index) => {
    if (!isRecord(message)) throw bad('invalid_messages', `messages[${index}] must be an object`)
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
      throw bad('invalid_messages', `messages[${index}].role must be one of system, user, assistant, tool`)
    }
    const calls = tools && message.role === 'assistant' && Array.isArray(message.tool_calls)
    checkContent(message.content, index, calls, message.role)
    const out: Record<string, unknown> = { role: message.role, content: message.content }
    if (message.name !== undefined) {
      if (typeof message.name !== 'string')
        throw bad('invalid_messages', `messages[${index}].name must be a string`)
      out.name = message.name
    }
    return tools ? { ...out, ...toolFields(message, index) } : out
  })
}
