import { secretsOf } from '../config'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import { tryUpstreams } from '../upstream/attempts'
import { openUpstream, readText, upstreamError } from '../upstream/client'

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
  const { config, hooks, log } = deps
  const secrets = secretsOf(config)
  const payload = Buffer.from(JSON.stringify({ ...ctx.body, stream: false }))
  return tryUpstreams(ctx, config, log, async (upstream, attempt) => {
    const res = await openUpstream(upstream, '/chat/completions', payload, attempt, 'application/json')
    attempt.answered()
    const text = await readText(res, BODY_LIMIT)
    const status = res.statusCode ?? 502
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
