import { createSseDecoder } from '../../../miniprogram/lib/stream'
import { isRecord } from './validate-fields'

const TOOL_CALLS = Buffer.from('"tool_calls"')

/**
 * The text of the first choice's tool calls in an OpenAI chunk (`delta`) or answer (`message`):
 * function names and argument pieces, in order. It may be shown to the user or acted on, so it is
 * content-checked like answer text. (The shared chunk reader has no tool calls: the app never
 * asks for tools.)
 */
export function toolCallsText(body: unknown): string {
  const choice = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined
  const turn = isRecord(choice) ? (choice.delta ?? choice.message) : undefined
  const calls = isRecord(turn) && Array.isArray(turn.tool_calls) ? turn.tool_calls : []
  let text = ''
  for (const call of calls) {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : {}
    if (typeof fn.name === 'string') text += fn.name
    if (typeof fn.arguments === 'string') text += fn.arguments
  }
  return text
}

/** `toolCallsText` of one whole SSE event's data; '' for the (nearly all) events without tool calls. */
export function eventToolCallsText(event: Buffer): string {
  if (!event.includes(TOOL_CALLS)) return ''
  let text = ''
  const sse = createSseDecoder(({ data }) => {
    try {
      text += toolCallsText(JSON.parse(data))
    } catch {
      // Not JSON: no tool calls in it.
    }
  })
  sse.push(event)
  sse.end()
  return text
}
