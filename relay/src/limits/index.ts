export { beijingTime, nextMinute, nextShanghaiMidnight, shanghaiDay } from './clock'
export { createQuota, type Quota, type QuotaLimits } from './quota'
export { createRedisQuotaStore } from './redis-store'
export { createMemoryQuotaStore, type QuotaStore } from './store'
