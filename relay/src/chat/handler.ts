import type { IncomingMessage, ServerResponse } from 'node:http'
import { completeDemo, DEMO_MODEL, streamDemo } from '../demo'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import { generationIdOf } from '../generations/id'
import type { RelayContext } from '../hooks'
import { sendError, sendJson } from '../http/respond'
import { failureFields } from '../log'
import { applyImages, type ImagePlan, planImages } from '../media/images'
import { admit } from './admit'
import { completeUpstream } from './complete'
import { createContext } from './context'
import { readChatRequest } from './read-request'
import { type AnswerSink, SseWriter } from './sse-writer'
import { streamUpstream } from './stream'
import { trackRequest } from './tracking'

/**
 * POST /v1/chat/completions, the pipeline in order: admit (auth, rate limit) → read and
 * validate → which photos go (media/images.ts) → `beforeUpstream` → photos checked and inlined →
 * answer from the demo or the upstream, streamed or complete → `onEnd`, however it ended. With
 * `X-Generation-Id` (../generations/) a streamed answer goes to the generation's recorder instead,
 * outlives this request, and this client is one of its readers; a retried start with the same id
 * only attaches.
 */
export async function handleChat(req: IncomingMessage, res: ServerResponse, deps: RelayDeps): Promise<void> {
  const { config } = deps
  const user = await admit(req, deps)
  const generationId = generationIdOf(req)
  if (generationId !== null && (await deps.generations.attachExisting(req, res, user.userId, generationId)))
    return
  const ctx = createContext(req, user, await readChatRequest(req, res, config))
  // Images are refused (unknown upload, other scheme, no vision) before anything starts: a 400.
  const images = await planImages(ctx.body, user.userId, deps)
  const demo = ctx.body.model === DEMO_MODEL || !config.upstream
  if (generationId !== null && ctx.stream) {
    await deps.generations.start(ctx, res, generationId, (sink) =>
      produce(ctx, res, sink, deps, { demo, images }, (error) => sink.fail(error)),
    )
    return
  }
  const writer = new SseWriter(res, config.heartbeatMs)
  trackRequest(ctx, res, writer, deps, demo)
  await produce(ctx, res, writer, deps, { demo, images }, (error) => sendError(res, error))
}

/** Runs the hooks and the answer into `sink`; `failEarly` answers an error that came before the commit. */
async function produce(
  ctx: RelayContext,
  res: ServerResponse,
  sink: AnswerSink,
  deps: RelayDeps,
  { demo, images }: { demo: boolean; images: ImagePlan | null },
  failEarly: (error: unknown) => void,
): Promise<void> {
  const { hooks, log } = deps
  try {
    await hooks?.beforeUpstream?.(ctx)
    if (images) await applyImages(ctx, images, deps)
    await answer(ctx, res, sink, deps, demo)
  } catch (error) {
    if (!(error instanceof RelayError))
      log.error('chat failed', { requestId: ctx.requestId, ...failureFields(error) })
    if (ctx.abort.aborted) return
    if (sink.committed) sink.fail(error)
    else failEarly(error)
  } finally {
    await hooks
      ?.onEnd?.(ctx)
      ?.catch((error: Error) => log.warn('onEnd hook failed', { error: error.message }))
  }
}

async function answer(
  ctx: RelayContext,
  res: ServerResponse,
  writer: AnswerSink,
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
