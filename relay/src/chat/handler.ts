import type { IncomingMessage, ServerResponse } from 'node:http'
import { completeDemo, DEMO_MODEL, streamDemo } from '../demo'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import { sendError, sendJson } from '../http/respond'
import { failureFields } from '../log'
import { applyImages, planImages } from '../media/images'
import { admit } from './admit'
import { completeUpstream } from './complete'
import { createContext } from './context'
import { readChatRequest } from './read-request'
import { SseWriter } from './sse-writer'
import { streamUpstream } from './stream'
import { trackRequest } from './tracking'

/**
 * POST /v1/chat/completions, the pipeline in order: admit (auth, rate limit) → read and
 * validate → which photos go (media/images.ts) → `beforeUpstream` → photos checked and inlined →
 * answer from the demo or the upstream, streamed or complete → `onEnd`, however it ended.
 */
export async function handleChat(req: IncomingMessage, res: ServerResponse, deps: RelayDeps): Promise<void> {
  const { config, hooks, log } = deps
  const user = await admit(req, deps)
  const ctx = createContext(req, user, await readChatRequest(req, res, config))
  const demo = ctx.body.model === DEMO_MODEL || !config.upstream
  const writer = new SseWriter(res, config.heartbeatMs)
  trackRequest(ctx, res, writer, deps, demo)
  try {
    const images = await planImages(ctx.body, user.userId, deps)
    await hooks?.beforeUpstream?.(ctx)
    if (images) await applyImages(ctx, images, deps)
    await answer(ctx, res, writer, deps, demo)
  } catch (error) {
    if (!(error instanceof RelayError))
      log.error('chat failed', { requestId: ctx.requestId, ...failureFields(error) })
    if (ctx.abort.aborted) return
    if (writer.committed) writer.fail(error)
    else sendError(res, error)
  } finally {
    await hooks
      ?.onEnd?.(ctx)
      ?.catch((error: Error) => log.warn('onEnd hook failed', { error: error.message }))
  }
}

async function answer(
  ctx: RelayContext,
  res: ServerResponse,
  writer: SseWriter,
  deps: RelayDeps,
  demo: boolean,
): Promise<void> {
  const { config, hooks } = deps
  // Asked once the request is admitted and `beforeUpstream` knows who is calling.
  const check = hooks?.outputCheck?.(ctx) ?? null
  if (!ctx.stream) {
    sendJson(
      res,
      200,
      demo ? await completeDemo(ctx, hooks, check) : await completeUpstream(ctx, check, deps),
    )
  } else if (demo) {
    writer.commit('ok')
    await streamDemo(ctx, writer, config.demoDelayMs, hooks, check)
  } else {
    await streamUpstream(ctx, writer, check, deps)
  }
}
