import type { MediaConfig } from './config'
import { createMemoryUploadStore, createRedisUploadStore, type UploadStore } from './upload-store'

/** What the media routes and the chat path share: the uploads. */
export interface MediaParts {
  uploads: UploadStore
  close(): Promise<void>
}

/** Uploads in Redis when the relay has one (any instance serves any reference), else in memory. */
export function createMediaParts(redisUrl: string | null, media: MediaConfig): MediaParts {
  const uploads = redisUrl
    ? createRedisUploadStore(redisUrl)
    : createMemoryUploadStore(media.uploadMemoryBytes)
  return { uploads, close: () => uploads.close() }
}
