import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Redis } from 'ioredis'
import type { FeedbackRecord } from './feedback'

/** Where feedback is kept: durable, append-only, readable back by time. */
export interface FeedbackStore {
  add(record: FeedbackRecord): Promise<void>
  /** Records that arrived at `since` or later, oldest first. */
  since(since: Date): Promise<FeedbackRecord[]>
  close(): Promise<void>
}

/** A JSON-lines file, one record a line (appends of one line do not interleave). */
export function createFileFeedbackStore(path: string): FeedbackStore {
  let ready: Promise<unknown> | null = null
  return {
    async add(record) {
      ready ??= mkdir(dirname(path), { recursive: true })
      await ready
      await appendFile(path, `${JSON.stringify(record)}\n`, 'utf8')
    },
    async since(since) {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch {
        return []
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as FeedbackRecord)
        .filter((record) => Date.parse(record.at) >= since.getTime())
    },
    async close() {},
  }
}

/** Redis stream key of the feedback. */
export const FEEDBACK_STREAM = 'relay:feedback'

/**
 * A Redis stream (`XADD`, ids by arrival time, so `XRANGE` from a time lists what came since),
 * shared by every relay instance. Trimmed to the newest ~1,000,000 entries.
 */
export function createRedisFeedbackStore(url: string): FeedbackStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, commandTimeout: 2000 })
  redis.on('error', () => undefined)
  return {
    async add(record) {
      await redis.xadd(FEEDBACK_STREAM, 'MAXLEN', '~', '1000000', '*', 'record', JSON.stringify(record))
    },
    async since(since) {
      const entries = await redis.xrange(FEEDBACK_STREAM, String(since.getTime()), '+')
      return entries.map(([, fields]) => JSON.parse(fields[1] as string) as FeedbackRecord)
    },
    async close() {
      redis.disconnect()
    },
  }
}

/** Redis when the relay has one (`REDIS_URL`), else the file. */
export function createFeedbackStore(redisUrl: string | null, file: string): FeedbackStore {
  return redisUrl ? createRedisFeedbackStore(redisUrl) : createFileFeedbackStore(file)
}
