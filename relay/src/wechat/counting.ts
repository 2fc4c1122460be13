import {
  createMemoryQuotaStore,
  createQuota,
  createRedisQuotaStore,
  type Quota,
  type QuotaStore,
} from '../limits'
import type { Logger } from '../log'
import { type CallBudget, createCallBudget } from './call-budget'
import type { WechatConfig } from './config'
import { createSecChecker, type SecChecker } from './seccheck'
import type { WechatApi } from './wechat-api'

/** What the WeChat layer counts with: one store for quotas and the msg_sec_check budget. */
export interface Counting {
  /** Null when neither quotas nor content security are on. */
  store: QuotaStore | null
  checker: SecChecker | null
  quota: Quota | null
  /** The WeChat call budget the checker counts against (image checks count against it too). */
  budget: CallBudget | null
}

/**
 * The store (Redis when `REDIS_URL` is set, so every instance counts together; else this process's
 * memory), the per-user quota over it, and the content checker with its call budget over it.
 */
export function createCounting(
  config: WechatConfig,
  api: WechatApi | null,
  log: Logger,
  now: () => number,
): Counting {
  const quotaOn = config.quota.requestsPerMinute > 0 || config.quota.completionTokensPerDay > 0
  if (!quotaOn && !config.seccheck) return { store: null, checker: null, quota: null, budget: null }
  const store = config.redisUrl
    ? createRedisQuotaStore(
        config.redisUrl,
        (message) => log.warn('quota redis error', { error: message }),
        now,
      )
    : createMemoryQuotaStore(now)
  const budget = createCallBudget(
    store,
    config.seccheckBudget,
    (message) => log.warn('seccheck budget not counted', { error: message }),
    now,
  )
  return {
    store,
    checker:
      config.seccheck && api
        ? createSecChecker(api, config.seccheckFail, log, budget, config.seccheckHold)
        : null,
    quota: quotaOn ? createQuota(store, config.quota, now) : null,
    budget,
  }
}
