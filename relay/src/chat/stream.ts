import type { RelayDeps } from '../deps'
import type { OutputCheck, RelayContext } from '../hooks'
import { tryUpstreams } from '../upstream/attempts'
import type { UpstreamRequest } from '../upstream/client'
import { upstreamError } from '../upstream/errors'
import { readText } from '../upstream/read-body'
import type { UpstreamResponse } from '../upstream/response'
import { pipeUpstream } from './pipe'
import { notAnEventStream } from './sse-start'
import type { AnswerSink } from './sse-writer'

const ERROR_BODY_LIMIT = 64 * 1024

/** Fails an attempt whose response is not 2xx (or not SSE) with the upstream's own error. */
export async function checkResponse(res: UpstreamResponse, secrets: readonly string[]): Promise<void> {
  const status = res.status
  if (status < 200 || status >= 300) {
    const text = await readText(res, ERROR_BODY_LIMIT)
    const retryAfter = res.headers['retry-after']
    throw upstreamError(status, text, secrets, typeof retryAfter === 'string' ? retryAfter : undefined)
  }
  const type = String(res.headers['content-type'] ?? '')
  if (!type.includes('text/event-stream')) {
    // A 200 carrying a JSON error (some gateways do this) is the upstream's answer.
    throw notAnEventStream(await readText(res, ERROR_BODY_LIMIT), secrets)
  }
}

/** The upstream request of a streamed answer; usage is always asked for (quotas and logs count it). */
function streamRequest(ctx: RelayContext): UpstreamRequest {
  const streamOptions = { ...((ctx.body.stream_options as object | undefined) ?? {}), include_usage: true }
  return {
    method: 'POST',
    path: '/chat/completions',
    accept: 'text/event-stream',
    body: Buffer.from(JSON.stringify({ ...ctx.body, stream: true, stream_options: streamOptions })),
  }
}

/**
 * `stream: true` through the upstream. Waits up to `commitMs` for its headers
 * so early errors keep their real status; after that commits `200` with a
 * `: ok` comment. Retries (or fails over) once, only while no answer byte has
 * gone out, and only for connection errors, 429 and 5xx. Failures are thrown
 * for the handler to answer, after the commit timer is gone: no timer of a
 * request outlives its error path.
 */
export async function streamUpstream(
  ctx: RelayContext,
  writer: AnswerSink,
  check: OutputCheck | null,
  deps: RelayDeps,
): Promise<void> {
  const { config, log, secrets } = deps
  // Built before the timer is armed: if building throws, there is nothing to clear.
  const request = streamRequest(ctx)
  const commitTimer = setTimeout(() => writer.commit('ok'), config.commitMs)
  try {
    await tryUpstreams(
      ctx,
      config,
      log,
      async (upstream, attempt) => {
        const upRes = await deps.upstream.send(upstream, request, attempt)
        await checkResponse(upRes, secrets)
        clearTimeout(commitTimer)
        writer.commit()
        await pipeUpstream(upRes, writer, ctx, {
          hooks: deps.hooks,
          check,
          secrets,
          tools: config.allowTools,
          abortUpstream: attempt.abort,
        })
      },
      // Once an answer byte went out, another upstream would start the answer over.
      () => writer.forwarded === 0,
    )
  } finally {
    clearTimeout(commitTimer)
    writer.stopHeartbeat()
  }
}
