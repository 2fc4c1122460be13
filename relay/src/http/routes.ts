import { admit } from '../chat/admit'
import { handleChat } from '../chat/handler'
import type { RelayDeps } from '../deps'
import { addGenerationRoutes } from '../generations/routes'
import { addMediaRoutes } from '../media/routes'
import { addReviewRoutes } from '../review/routes'
import { health } from './health'
import { listModels } from './models'
import { sendJson } from './respond'
import { addRoute, type RouteTable } from './router'

/**
 * Every route of the relay: its own three, then the hooks' (`"POST /auth/wx-login"`…), which run
 * before authentication and rate limiting and may replace a built-in one.
 */
export function relayRoutes(deps: RelayDeps): RouteTable {
  const table: RouteTable = new Map()
  addRoute(table, 'POST /v1/chat/completions', (req, res) => handleChat(req, res, deps))
  addRoute(table, 'GET /v1/models', async (req, res) => {
    await admit(req, deps)
    sendJson(res, 200, await listModels(deps))
  })
  addRoute(table, 'GET /healthz', async (_req, res) => sendJson(res, 200, health(deps.config)))
  addReviewRoutes(table, deps, deps.config.review, deps.review)
  addMediaRoutes(table, deps, deps.config.media, deps.media)
  addGenerationRoutes(table, deps)
  for (const [route, handler] of Object.entries(deps.hooks?.routes ?? {})) {
    addRoute(table, route, (req, res) => handler(req, res, deps.config))
  }
  return table
}
