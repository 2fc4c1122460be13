import { admit } from '../chat/admit'
import type { RelayDeps } from '../deps'
import { sendJson } from '../http/respond'
import { addRoute, matchPath, pathOf, type RouteTable } from '../http/router'
import { checkGenerationId } from './id'

const STREAM = '/v1/generations/:id/stream'
const CANCEL = '/v1/generations/:id/cancel'

/** The `:id` of a generation route's URL, checked (400 `invalid_generation_id`). */
function idOf(pattern: string, url: string | undefined): string {
  return checkGenerationId(matchPath(pattern, pathOf(url ?? '/'))?.id ?? '')
}

/**
 * `GET /v1/generations/<id>/stream` (reattach, from `Last-Event-ID`) and
 * `POST /v1/generations/<id>/cancel`, admitted like chat requests (auth, rate limit).
 */
export function addGenerationRoutes(table: RouteTable, deps: RelayDeps): void {
  addRoute(table, `GET ${STREAM}`, async (req, res) => {
    const user = await admit(req, deps)
    await deps.generations.stream(req, res, user.userId, idOf(STREAM, req.url))
  })
  addRoute(table, `POST ${CANCEL}`, async (req, res) => {
    const user = await admit(req, deps)
    sendJson(res, 200, await deps.generations.cancel(user.userId, idOf(CANCEL, req.url)))
  })
}
