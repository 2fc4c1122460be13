import type { ServerResponse } from 'node:http'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { RelayContext } from '../hooks'
import { sendError } from '../http/respond'
import { loggedUser } from '../logged-user'
import type { SseWriter } from './sse-writer'

/**
 * Follows one chat request from admission to its socket closing: `close()` of the app may end it
 * with an error frame meanwhile, a client that leaves early aborts the upstream (it bills by the
 * token), and one log line says how it ended.
 */
export function trackRequest(
  ctx: RelayContext,
  res: ServerResponse,
  writer: SseWriter,
  deps: RelayDeps,
  demo: boolean,
): void {
  const started = Date.now()
  deps.active.set(res, () => {
    // Built only on shutdown: an Error (with its stack) per request would be wasted work.
    const shutdown = new RelayError(503, 'relay_shutting_down', 'The relay is restarting, please retry')
    if (writer.committed) writer.fail(shutdown)
    else sendError(res, shutdown)
    ctx.abort.abort()
  })
  res.on('close', () => {
    deps.active.delete(res)
    writer.stopHeartbeat()
    if (!res.writableFinished) ctx.abort.abort()
    deps.log.info('chat', {
      requestId: ctx.requestId,
      user: loggedUser(ctx.user.userId, deps.config.hashSalt),
      model: ctx.body.model,
      demo,
      stream: ctx.stream,
      status: res.statusCode,
      bytes: writer.forwarded,
      ms: Date.now() - started,
      clientAborted: !res.writableFinished,
    })
  })
}
