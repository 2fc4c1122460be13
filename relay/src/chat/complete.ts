import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import { tryUpstreams } from '../upstream/attempts'
import type { UpstreamRequest } from '../upstream/client'
import { upstreamError } from '../upstream/errors'
import { readText } from '../upstream/read-body'

const BODY_LIMIT = 16 * 1024 * 1024

interface Completion {
  choices?: Array<{ message?: { content?: unknown } }>
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number }
}

/**
 * `stream: false` through the upstream: the JSON answer is proxied as is,
 * after the output and usage hooks have seen it. Same retry rule as streams.
 */
export async function completeUpstream(ctx: RelayContext, deps: RelayDeps): Promise<unknown> {
  const { config, hooks, log, secrets } = deps
  const request: UpstreamRequest = {
    method: 'POST',
    path: '/chat/completions',
    accept: 'application/json',
    body: Buffer.from(JSON.stringify({ ...ctx.body, stream: false })),
  }
  return tryUpstreams(ctx, config, log, async (upstream, attempt) => {
    const res = await deps.upstream.send(upstream, request, attempt)
    const text = await readText(res, BODY_LIMIT)
    const status = res.status
    const retryAfter = res.headers['retry-after']
    if (status < 200 || status >= 300) {
      throw upstreamError(status, text, secrets, typeof retryAfter === 'string' ? retryAfter : undefined)
    }
    let body: Completion & { error?: unknown }
    try {
      body = JSON.parse(text)
    } catch {
      throw new RelayError(502, 'upstream_bad_response', 'Upstream answered with invalid JSON')
    }
    if (body.error) throw upstreamError(502, text, secrets)
    const content = body.choices?.[0]?.message?.content
    if (typeof content === 'string') await hooks?.onOutputText?.(ctx, content)
    await hooks?.onOutputEnd?.(ctx)
    const u = body.usage
    if (u && typeof u.total_tokens === 'number') {
      await hooks?.onUsage?.(ctx, {
        prompt_tokens: u.prompt_tokens ?? 0,
        completion_tokens: u.completion_tokens ?? 0,
        total_tokens: u.total_tokens,
      })
    }
    return body
  })
}
