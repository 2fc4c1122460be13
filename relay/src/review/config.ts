import { type AppInfo, loadAppInfo, withVision } from './app-info'

/** What WeChat review needs from the relay: service information, and where feedback goes. */
export interface ReviewConfig {
  appInfo: AppInfo
  /** JSON-lines file for feedback when there is no Redis (`RELAY_FEEDBACK_FILE`). */
  feedbackFile: string
  /** Feedback posts per minute per caller (`RELAY_FEEDBACK_RATE_LIMIT`); 0 = unlimited. */
  feedbackRateLimit: number
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`)
  return Number(raw)
}

/** Reads the review settings; throws naming the bad variable or file. */
export function loadReviewConfig(
  env: NodeJS.ProcessEnv,
  models: readonly string[],
  visionModels: readonly string[] = [],
): ReviewConfig {
  return {
    appInfo: withVision(loadAppInfo(env, models), visionModels),
    feedbackFile: env.RELAY_FEEDBACK_FILE?.trim() || 'data/feedback.jsonl',
    feedbackRateLimit: whole(env, 'RELAY_FEEDBACK_RATE_LIMIT', 10),
  }
}
