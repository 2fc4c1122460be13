import { bad, isRecord } from './validate-fields'

/** More tool definitions than this are refused: each one is prompt the upstream bills for. */
const MAX_TOOLS = 64
const TOOL_FIELDS = ['tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call'] as const

/**
 * The tool fields to forward: none when tools are not allowed (asking for them is then a 400, not
 * silently ignored: the model would answer as if it had no tools), else `tools` (functions only),
 * `tool_choice` and `parallel_tool_calls`, checked. The legacy `functions` is not forwarded.
 */
export function readTools(body: Record<string, unknown>, allowed: boolean): Record<string, unknown> {
  const asked = TOOL_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null)
  if (!allowed) {
    if (asked.length > 0) {
      throw bad('invalid_parameter', `${asked[0]} is not enabled on this relay (RELAY_ALLOW_TOOLS)`)
    }
    return {}
  }
  const out: Record<string, unknown> = {}
  const tools = body.tools
  if (tools !== undefined && tools !== null) {
    const valid =
      Array.isArray(tools) &&
      tools.length <= MAX_TOOLS &&
      tools.every(
        (tool) =>
          isRecord(tool) &&
          tool.type === 'function' &&
          isRecord(tool.function) &&
          typeof tool.function.name === 'string',
      )
    if (!valid)
      throw bad(
        'invalid_parameter',
        `tools must be at most ${MAX_TOOLS} {"type":"function","function":{"name",…}}`,
      )
    out.tools = tools
  }
  const choice = body.tool_choice
  if (choice !== undefined && choice !== null) {
    if (!(['none', 'auto', 'required'].includes(choice as string) || isRecord(choice))) {
      throw bad('invalid_parameter', 'tool_choice must be "none", "auto", "required" or an object')
    }
    out.tool_choice = choice
  }
  const parallel = body.parallel_tool_calls
  if (parallel !== undefined && parallel !== null) {
    if (typeof parallel !== 'boolean') throw bad('invalid_parameter', 'parallel_tool_calls must be a boolean')
    out.parallel_tool_calls = parallel
  }
  return out
}
