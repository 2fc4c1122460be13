import type { ServerResponse } from 'node:http'
import type { RelayConfig } from './config'
import type { Generations } from './generations/service'
import type { RelayHooks } from './hooks'
import type { RateLimiter } from './limits/rate-limit'
import type { Logger } from './log'
import type { MediaParts } from './media/parts'
import type { ReviewParts } from './review/parts'
import type { UpstreamClient } from './upstream/client'

/** What every route shares: made once per app by `http/app.ts`. */
export interface RelayDeps {
  config: RelayConfig
  /** Extension points (WeChat login, quotas, content security); none by default. */
  hooks: RelayHooks | undefined
  log: Logger
  /** The keys, tokens and proxy passwords no response or log line may contain. */
  secrets: readonly string[]
  /** Pooled connections to the upstreams. */
  upstream: UpstreamClient
  /** Per-minute request limit; null when `RELAY_RATE_LIMIT` is 0. */
  limiter: RateLimiter | null
  /** Open chat requests and how to end each, so `close()` can end them with an error frame. */
  active: Map<ServerResponse, () => void>
  /** Feedback store and its rate limit (WeChat review). */
  review: ReviewParts
  /** Uploaded images. */
  media: MediaParts
  /** Resumable answers (`X-Generation-Id`): their store, the live ones, readers. */
  generations: Generations
}
