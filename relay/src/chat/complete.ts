import { readChunk } from '../../../miniprogram/lib/openai'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { OutputCheck, RelayContext } from '../hooks'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json'
import { redact } from '../redact'
import { tryUpstreams } from '../upstream/attempts'
import type { UpstreamRequest } from '../upstream/client'
import { upstreamError } from '../upstream/errors'
import { readText } from '../upstream/read-body'
import { checkWhole } from './check-text'
import { toolCallsText } from './tool-call-text'

const BODY_LIMIT = 16 * 1024 * 1024

function badAnswer(): RelayError {
  return new RelayError(502, 'upstream_bad_response', 'Upstream answered with invalid JSON')
}

/** The upstream's JSON answer; too deep a nesting is refused like invalid JSON (the relay re-serialises it). */
function parseAnswer(text: string): Record<string, unknown> {
  if (nestsDeeperThan(Buffer.from(text), MAX_JSON_DEPTH)) throw badAnswer()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw badAnswer()
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badAnswer()
  return body as Record<string, unknown>
}

/**
 * `stream: false` through the upstream: the JSON answer is proxied as is (the relay's secrets
 * redacted), after its text passed the content check and the output and usage hooks have seen it.
 * Same retry rule as streams.
 */
export async function completeUpstream(
  ctx: RelayContext,
  check: OutputCheck | null,
  deps: RelayDeps,
): Promise<unknown> {
  const { config, hooks, log, secrets } = deps
  const request: UpstreamRequest = {
    method: 'POST',
    path: '/chat/completions',
    accept: 'application/json',
    body: Buffer.from(JSON.stringify({ ...ctx.body, stream: false })),
  }
  return tryUpstreams(ctx, config, log, async (upstream, attempt) => {
    const res = await deps.upstream.send(upstream, request, attempt)
    const text = redact(await readText(res, BODY_LIMIT), secrets)
    const status = res.status
    const retryAfter = res.headers['retry-after']
    if (status < 200 || status >= 300) {
      throw upstreamError(status, text, secrets, typeof retryAfter === 'string' ? retryAfter : undefined)
    }
    const body = parseAnswer(text)
    const fields = readChunk(body)
    if (fields.error) throw upstreamError(502, text, secrets)
    await checkWhole(check, fields.reasoning + fields.content + toolCallsText(body))
    if (fields.content) await hooks?.onOutputText?.(ctx, fields.content)
    await hooks?.onOutputEnd?.(ctx)
    const u = fields.usage
    if (u) {
      await hooks?.onUsage?.(ctx, {
        prompt_tokens: u.promptTokens,
        completion_tokens: u.completionTokens,
        total_tokens: u.totalTokens,
      })
    }
    return body
  })
}
