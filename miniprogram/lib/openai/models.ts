/**
 * Model ids from an OpenAI `GET /v1/models` body (`{"data":[{"id":…}]}`), in
 * the relay's order, without duplicates or blanks. Also accepts a bare array
 * of ids or of `{id}` objects, which some gateways return.
 * @returns undefined when the body is not a model list at all.
 */
export function parseModelList(body: unknown): string[] | undefined {
  let parsed = body
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed)
    } catch {
      return undefined
    }
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { data?: unknown }).data)
      ? ((parsed as { data: unknown[] }).data as unknown[])
      : undefined
  if (!list) return undefined
  const ids: string[] = []
  for (const item of list) {
    const id = typeof item === 'string' ? item : (item as { id?: unknown } | null)?.id
    if (typeof id === 'string' && id.trim() !== '' && !ids.includes(id)) ids.push(id)
  }
  return ids
}
