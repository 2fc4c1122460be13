import type { UpstreamConfig } from '../config'
import { redact } from '../redact'
import { NEVER, type UpstreamClient } from './client'
import { readText } from './read-body'

/** Longest model list read. */
const LIST_LIMIT = 1024 * 1024

/**
 * GET `{baseUrl}/models`, the upstream's own model list, waiting at most `timeoutMs` for its head and between body pieces; null on any
 * failure (the caller then lists none rather than failing the request).
 */
export async function fetchModelList(
  client: UpstreamClient,
  upstream: UpstreamConfig,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<unknown> {
  const timeouts = { headersMs: timeoutMs, bodyMs: timeoutMs }
  try {
    const response = await client.send(
      upstream,
      { method: 'GET', path: '/models', accept: 'application/json', timeouts },
      NEVER,
    )
    // Passed on to the client: the same redaction as every other piece of upstream text.
    const text = redact(await readText(response, LIST_LIMIT), secrets)
    return response.status === 200 ? JSON.parse(text) : null
  } catch {
    return null
  }
}
