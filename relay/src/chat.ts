import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticate } from './auth'
import { readBody } from './body'
import { completeUpstream } from './chat-json'
import { streamUpstream } from './chat-upstream'
import { ClientAbort } from './client-abort'
import type { RelayConfig } from './config'
import { completeDemo, DEMO_MODEL, streamDemo } from './demo'
import { errorStatus, RelayError } from './errors'
import type { RelayContext, RelayUser } from './hooks'
import type { Logger } from './log'
import type { RateLimiter } from './rate-limit'
import { sendError, sendJson } from './respond'
import { SseWriter } from './sse-writer'
import { validateChatBody } from './validate'

// Ids only have to tell log lines apart: a random per-process prefix and a counter cost far less
// than random bytes per request.
const ID_PREFIX = randomBytes(4).toString('hex')
let idCounter = 0

/** `<8 hex of this process><counter in base 36>`, unique across processes with near certainty. */
function nextRequestId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER
  return `${ID_PREFIX}${idCounter.toString(36)}`
}

/** What the chat handler needs from the server. */
export interface ChatDeps {
  config: RelayConfig
  log: Logger
  limiter: RateLimiter | null
  /** Open requests, so `close()` can end them with an error frame. */
  active: Map<ServerResponse, () => void>
}

/** Counts a request against the caller's per-minute budget; throws 429 with Retry-After. */
export async function checkRate(limiter: RateLimiter | null, user: RelayUser): Promise<void> {
  if (!limiter) return
  const decision = await limiter.hit(user.userId)
  if (!decision.allowed) {
    throw new RelayError(429, 'rate_limited', 'Too many requests, slow down', {
      'Retry-After': String(decision.retryAfterS),
    })
  }
}

async function readValidBody(req: IncomingMessage, res: ServerResponse, config: RelayConfig) {
  try {
    return validateChatBody(await readBody(req, config.maxBodyBytes), config)
  } catch (error) {
    if (errorStatus(error) === 413) {
      // The rest of an oversized body is discarded and the connection closed after the answer.
      res.setHeader('Connection', 'close')
      req.resume()
    }
    throw error
  }
}

/** POST /v1/chat/completions: auth → rate limit → body → validation → hooks → demo or upstream. */
export async function handleChat(req: IncomingMessage, res: ServerResponse, deps: ChatDeps): Promise<void> {
  const { config, log } = deps
  const started = Date.now()
  const requestId = nextRequestId()
  const user = await authenticate(req, config)
  await checkRate(deps.limiter, user)
  const body = await readValidBody(req, res, config)
  const abort = new ClientAbort()
  const ctx: RelayContext = {
    requestId,
    req,
    user,
    body,
    stream: body.stream === true,
    get signal() {
      return abort.signal
    },
    abort,
    state: {},
  }
  const writer = new SseWriter(res, config.heartbeatMs)
  deps.active.set(res, () => {
    // Built only on shutdown: an Error (with its stack) per request would be wasted work.
    const shutdown = new RelayError(503, 'relay_shutting_down', 'The relay is restarting, please retry')
    if (writer.committed) writer.fail(shutdown)
    else sendError(res, shutdown)
    abort.abort()
  })
  res.on('close', () => {
    deps.active.delete(res)
    writer.stopHeartbeat()
    // The client left before the answer ended: stop the upstream now (it bills by the token).
    if (!res.writableFinished) abort.abort()
    const demo = body.model === DEMO_MODEL || !config.upstream
    log.info('chat', {
      requestId,
      user: user.userId,
      model: body.model,
      demo,
      stream: ctx.stream,
      status: res.statusCode,
      bytes: writer.forwarded,
      ms: Date.now() - started,
      clientAborted: !res.writableFinished,
    })
  })
  try {
    await config.hooks?.beforeUpstream?.(ctx)
    const demo = body.model === DEMO_MODEL || !config.upstream
    if (ctx.stream) {
      if (demo) {
        writer.commit('ok')
        await streamDemo(ctx, writer, config.demoDelayMs, config.hooks)
      } else {
        await streamUpstream(ctx, res, writer, config, log)
      }
    } else {
      sendJson(
        res,
        200,
        demo ? await completeDemo(ctx, config.hooks) : await completeUpstream(ctx, config, log),
      )
    }
  } catch (error) {
    if (abort.aborted) return
    if (writer.committed) writer.fail(error)
    else sendError(res, error)
  } finally {
    await config.hooks
      ?.onEnd?.(ctx)
      ?.catch((error: Error) => log.warn('onEnd hook failed', { error: error.message }))
  }
}
