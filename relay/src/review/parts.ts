import { createMemoryLimiter, createRedisLimiter, type RateLimiter } from '../limits/rate-limit'
import type { Logger } from '../log'
import type { ReviewConfig } from './config'
import { createFeedbackStore, type FeedbackStore } from './feedback-store'

/** What the review routes keep between requests. */
export interface ReviewParts {
  feedback: FeedbackStore
  limiter: RateLimiter | null
  close(): Promise<void>
}

/** The feedback store and its own rate limit (separate from chat's: reports must not cost answers). */
export function createReviewParts(redisUrl: string | null, log: Logger, review: ReviewConfig): ReviewParts {
  const feedback = createFeedbackStore(redisUrl, review.feedbackFile)
  const limit = review.feedbackRateLimit
  const limiter =
    limit === 0 ? null : redisUrl ? createRedisLimiter(redisUrl, limit, log) : createMemoryLimiter(limit)
  return {
    feedback,
    limiter,
    async close() {
      await feedback.close()
      await limiter?.close()
    },
  }
}
