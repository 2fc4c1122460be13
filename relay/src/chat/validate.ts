import type { RelayConfig } from '../config'
import type { ChatRequestBody } from '../hooks'
import { bad, cappedCount, isRecord, numberIn, oneOf, stopSequences } from './validate-fields'
import { readMessages } from './validate-messages'
import { readTools } from './validate-tools'

/** Drops `undefined` values, so absent fields stay absent upstream. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
}

function responseFormat(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined
  if (isRecord(value) && ['text', 'json_object', 'json_schema'].includes(value.type as string)) return value
  throw bad('invalid_parameter', 'response_format must be {"type":"text"|"json_object"|"json_schema",…}')
}

/**
 * Checks a parsed chat-completions body, and builds the request the upstream gets from an
 * allow-list of OpenAI fields: anything else (`n`, `service_tier`, `store`, `logit_bias`, …) stays
 * with the relay, so a client cannot buy more than one answer, priority processing or storage.
 * One choice per request (`n` is never forwarded; a request for more gets one). `max_tokens` is
 * always sent, capped at RELAY_MAX_TOKENS (`max_completion_tokens` instead when the client used
 * it): quotas reserve that much. Tools only with RELAY_ALLOW_TOOLS. The model defaults to the
 * first allowed one.
 */
export function validateChatBody(parsed: unknown, config: RelayConfig): ChatRequestBody {
  if (!isRecord(parsed)) throw bad('invalid_json', 'Request body must be a JSON object')
  const body = parsed
  let model = body.model
  if (model === undefined || model === null || model === '') model = config.models[0]
  if (model === undefined) throw bad('invalid_parameter', 'model is required')
  if (typeof model !== 'string') throw bad('invalid_parameter', 'model must be a string')
  // An empty allow-list (upstream set, RELAY_MODELS unset) lets the upstream decide.
  if (config.models.length > 0 && !config.models.includes(model)) {
    throw bad('model_not_found', `The model "${model}" is not available on this relay`)
  }
  const messages = readMessages(body.messages, config.allowTools)
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    throw bad('invalid_parameter', 'stream must be a boolean')
  }
  const streamOptions = body.stream_options
  if (streamOptions !== undefined && streamOptions !== null && !isRecord(streamOptions)) {
    throw bad('invalid_parameter', 'stream_options must be an object')
  }
  cappedCount(body.n, 'n', 1)
  if (body.user !== undefined && (typeof body.user !== 'string' || body.user.length > 256)) {
    throw bad('invalid_parameter', 'user must be a string of at most 256 characters')
  }
  if (body.seed !== undefined && body.seed !== null && !Number.isSafeInteger(body.seed)) {
    throw bad('invalid_parameter', 'seed must be an integer')
  }
  const maxTokens = cappedCount(body.max_tokens, 'max_tokens', config.maxTokensCap)
  const maxCompletionTokens = cappedCount(
    body.max_completion_tokens,
    'max_completion_tokens',
    config.maxTokensCap,
  )
  return defined({
    model,
    messages,
    stream: body.stream,
    stream_options: isRecord(streamOptions)
      ? defined({ include_usage: streamOptions.include_usage === true || undefined })
      : undefined,
    temperature: numberIn(body.temperature, 'temperature', 0, 2),
    top_p: numberIn(body.top_p, 'top_p', 0, 1),
    presence_penalty: numberIn(body.presence_penalty, 'presence_penalty', -2, 2),
    frequency_penalty: numberIn(body.frequency_penalty, 'frequency_penalty', -2, 2),
    stop: stopSequences(body.stop),
    seed: body.seed ?? undefined,
    user: body.user,
    response_format: responseFormat(body.response_format),
    reasoning_effort: oneOf(body.reasoning_effort, 'reasoning_effort', ['minimal', 'low', 'medium', 'high']),
    max_tokens: maxTokens ?? (maxCompletionTokens === undefined ? config.maxTokensCap : undefined),
    max_completion_tokens: maxCompletionTokens,
    ...readTools(body, config.allowTools),
  }) as ChatRequestBody
}
