import { Redis } from 'ioredis'
import type { Logger } from '../log'
import type { PushedVerdict } from './media-check'

/** The Redis channel verified pushes travel on between relay instances. */
const CHANNEL = 'relay:wx-media-verdict'

/** Gets a verified push to the instance whose request waits for it. */
export interface PushFanout {
  publish(verdict: PushedVerdict): void
  close(): Promise<void>
}

/**
 * WeChat pushes a verdict to whichever instance its load balancer picks, not necessarily the one
 * that asked. With REDIS_URL every verified push is published and every instance hands it to its
 * waiting checks (its own included, through its subscription); without Redis, or when publishing
 * fails, it is handed over in this process only.
 */
export function createPushFanout(
  redisUrl: string | null,
  deliver: (verdict: PushedVerdict) => void,
  log: Logger,
): PushFanout {
  if (!redisUrl) return { publish: deliver, close: async () => undefined }
  const options = { maxRetriesPerRequest: 2, commandTimeout: 5000 }
  const pub = new Redis(redisUrl, options)
  const sub = new Redis(redisUrl, options)
  for (const connection of [pub, sub]) connection.on('error', () => undefined)
  sub
    .subscribe(CHANNEL)
    .catch((error: Error) => log.warn('push fan-out not subscribed', { error: error.message }))
  sub.on('message', (_channel: string, message: string) => {
    try {
      const { traceId, suggest } = JSON.parse(message) as PushedVerdict
      if (typeof traceId === 'string')
        deliver({ traceId, suggest: typeof suggest === 'string' ? suggest : null })
    } catch {
      // Not ours.
    }
  })
  return {
    publish(verdict) {
      pub.publish(CHANNEL, JSON.stringify(verdict)).catch((error: Error) => {
        log.warn('push fan-out failed, delivered here only', { error: error.message })
        deliver(verdict)
      })
    },
    async close() {
      pub.disconnect()
      sub.disconnect()
    },
  }
}
