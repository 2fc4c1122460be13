import { Redis } from 'ioredis'
import type { ImageFacts } from './sniff'

/** An uploaded image: its bytes, what it is, who may use it, until when. */
export interface StoredUpload extends Omit<ImageFacts, 'type'> {
  id: string
  /** An image's type; for a recording kept for its audio check, the audio type it was sent as. */
  type: ImageFacts['type'] | `audio/${string}`
  /** Set on a recording kept only for WeChat to fetch: never usable as an image. */
  audio?: true
  /** The caller who uploaded it (another caller's reference is treated as unknown). */
  owner: string
  bytes: number
  data: Buffer
  expiresAt: number
  /** Content security's verdict, once it was had: an image is checked once. */
  verdict?: ImageCheckVerdict
}

/** What content security made of an image (cached with the upload). */
export type ImageCheckVerdict = 'pass' | 'risky'

/** Where uploads wait to be referenced by a chat request. */
export interface UploadStore {
  put(upload: StoredUpload): Promise<void>
  /** The upload, or null when unknown or expired. */
  get(id: string): Promise<StoredUpload | null>
  /** Keeps content security's verdict with the upload (nothing when it is gone). */
  setVerdict(id: string, verdict: ImageCheckVerdict): Promise<void>
  /** Forgets an upload at once (a recording whose check is over). */
  delete(id: string): Promise<void>
  close(): Promise<void>
}

/**
 * Uploads in this process, in arrival order: expired ones are dropped as they are met, and past
 * `maxBytes` the oldest go first, so memory stays bounded whatever callers upload.
 */
export function createMemoryUploadStore(maxBytes: number, now = Date.now): UploadStore {
  const uploads = new Map<string, StoredUpload>()
  let total = 0
  const drop = (id: string) => {
    const upload = uploads.get(id)
    if (!upload) return
    uploads.delete(id)
    total -= upload.data.length
  }
  const sweep = () => {
    for (const [id, upload] of uploads) {
      if (upload.expiresAt > now() && total <= maxBytes) break
      drop(id)
    }
  }
  return {
    async put(upload) {
      uploads.set(upload.id, upload)
      total += upload.data.length
      sweep()
    },
    async get(id) {
      const upload = uploads.get(id)
      if (!upload) return null
      if (upload.expiresAt <= now()) {
        drop(id)
        return null
      }
      return upload
    },
    async setVerdict(id, verdict) {
      const upload = uploads.get(id)
      if (upload) upload.verdict = verdict
    },
    async delete(id) {
      drop(id)
    },
    async close() {
      uploads.clear()
      total = 0
    },
  }
}

/** HSET verdict on an upload's hash only while it exists. */
const SET_IF_EXISTS =
  "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'verdict', ARGV[1]) end return 0"

/** Uploads in Redis (`relay:upload:<id>`, a hash of the facts and the bytes, expiring with the upload). */
export function createRedisUploadStore(url: string): UploadStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, commandTimeout: 5000 })
  redis.on('error', () => undefined)
  const key = (id: string) => `relay:upload:${id}`
  return {
    async put(upload) {
      const { data, ...facts } = upload
      await redis
        .multi()
        .hset(key(upload.id), 'facts', JSON.stringify(facts), 'data', data)
        .pexpireat(key(upload.id), upload.expiresAt)
        .exec()
    },
    async get(id) {
      const [facts, data, verdict] = await redis.hmgetBuffer(key(id), 'facts', 'data', 'verdict')
      if (!facts || !data) return null
      const parsed = JSON.parse(facts.toString('utf8')) as Omit<StoredUpload, 'data'>
      if (parsed.expiresAt <= Date.now()) return null
      return verdict
        ? { ...parsed, data, verdict: verdict.toString('utf8') as ImageCheckVerdict }
        : { ...parsed, data }
    },
    async setVerdict(id, verdict) {
      // Only on a hash that still exists (atomically): HSET alone would make one without an expiry.
      await redis.eval(SET_IF_EXISTS, 1, key(id), verdict)
    },
    async delete(id) {
      await redis.del(key(id))
    },
    async close() {
      redis.disconnect()
    },
  }
}
