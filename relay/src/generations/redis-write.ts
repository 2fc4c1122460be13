import type { Redis } from 'ioredis'
import { FRAMES_CHANNEL, generationKeys } from './redis-keys'

/**
 * One batch in one command: per generation (KEYS: its frames stream and meta hash) ARGV holds the
 * first frame's number, the frame count, the end id ('' while live), the TTL to set ('0': leave
 * it), then the frames; after the last generation, the notify message. Frames become stream entries
 * `n-0`. As a script the whole batch is one command for the client to build and one reply to read,
 * instead of an XADD (and its promise) per frame: at 20,000 events/s that is most of what Redis
 * costs the relay's CPU. (The keys of a batch span slots: Redis Cluster would need a batch per slot.)
 */
const WRITE_BATCH = `
local a = 2
for g = 1, #KEYS, 2 do
  local first, count, endId, ttl = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], ARGV[a + 3]
  a = a + 4
  for i = 0, count - 1 do
    redis.call('XADD', KEYS[g], 'MAXLEN', '~', ARGV[1], string.format('%d-0', first + i), 'f', ARGV[a + i])
  end
  a = a + count
  if endId ~= '' then redis.call('HSET', KEYS[g + 1], 'end', endId) end
  if ttl ~= '0' then
    redis.call('PEXPIRE', KEYS[g], ttl)
    redis.call('PEXPIRE', KEYS[g + 1], ttl)
  end
end
redis.call('PUBLISH', '${FRAMES_CHANNEL}', ARGV[a])
return 1
`

/** What one generation adds to a batch. */
export interface BatchPart {
  id: string
  firstId: number
  frames: Buffer[]
  endId: number | null
  /** The expiry to set now, or 0 to leave it. */
  ttlMs: number
}

type ScriptRedis = Redis & { generationWrite(...args: Array<string | number | Buffer>): Promise<number> }

/** Returns the function that writes a batch; the script is loaded once and run by its SHA after. */
export function createBatchWriter(redis: Redis, maxFrames: number): (parts: BatchPart[]) => Promise<void> {
  redis.defineCommand('generationWrite', { lua: WRITE_BATCH })
  const scripted = redis as ScriptRedis
  return async (parts) => {
    const keys: string[] = []
    const args: Array<string | number | Buffer> = [maxFrames]
    for (const part of parts) {
      keys.push(generationKeys.frames(part.id), generationKeys.meta(part.id))
      args.push(part.firstId, part.frames.length, part.endId ?? '', part.ttlMs, ...part.frames)
    }
    args.push(parts.map((part) => part.id).join(' '))
    await scripted.generationWrite(keys.length, ...keys, ...args)
  }
}
