import type { IncomingMessage, ServerResponse } from 'node:http'
import { admit } from '../chat/admit'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import { readJsonBody } from '../http/json'
import { sendJson } from '../http/respond'
import { addRoute, type RouteTable } from '../http/router'
import type { ReviewConfig } from './config'
import { feedbackRecord, hashCaller } from './feedback'
import type { ReviewParts } from './parts'

/** Feedback bodies are small: a note and at most one answer's text. */
const FEEDBACK_MAX_BYTES = 128 * 1024

async function postFeedback(req: IncomingMessage, res: ServerResponse, deps: RelayDeps, parts: ReviewParts) {
  const user = await admit(req, deps)
  const decision = await parts.limiter?.hit(`fb:${user.userId}`)
  if (decision && !decision.allowed) {
    throw new RelayError(429, 'rate_limited', 'Too much feedback, try again later', {
      'Retry-After': String(decision.retryAfterS),
    })
  }
  const record = feedbackRecord(
    await readJsonBody(req, res, FEEDBACK_MAX_BYTES),
    hashCaller(user.userId, deps.config.hashSalt),
    new Date(),
  )
  await parts.feedback.add(record)
  deps.log.info('feedback', {
    id: record.id,
    kind: record.kind,
    reason: record.reason,
    caller: record.caller,
  })
  sendJson(res, 201, { id: record.id })
}

/**
 * `GET /v1/app-info` (the service, the AI label, each model's name and filing number, the
 * agreement and privacy texts; same auth as /v1/models, cacheable for five minutes) and
 * `POST /v1/feedback` (👍 / 👎 / 举报, kept durably).
 */
export function addReviewRoutes(
  table: RouteTable,
  deps: RelayDeps,
  review: ReviewConfig,
  parts: ReviewParts,
): void {
  const info = JSON.stringify(review.appInfo)
  addRoute(table, 'GET /v1/app-info', async (req, res) => {
    await admit(req, deps)
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(info),
      'Cache-Control': 'private, max-age=300',
    })
    res.end(info)
  })
  addRoute(table, 'POST /v1/feedback', (req, res) => postFeedback(req, res, deps, parts))
}
