/** China Standard Time has no daylight saving, so a fixed offset is exact. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000
const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/** The Asia/Shanghai calendar day of an instant, as `YYYYMMDD` (used in counter keys). */
export function shanghaiDay(nowMs: number): string {
  return new Date(nowMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '')
}

/** The next Asia/Shanghai midnight after an instant, in epoch milliseconds. */
export function nextShanghaiMidnight(nowMs: number): number {
  return (Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - SHANGHAI_OFFSET_MS
}

/** The start of the next whole minute after an instant. */
export function nextMinute(nowMs: number): number {
  return (Math.floor(nowMs / MINUTE_MS) + 1) * MINUTE_MS
}

/** `MM-DD HH:mm` in Beijing time, for messages people read. */
export function beijingTime(ms: number): string {
  const iso = new Date(ms + SHANGHAI_OFFSET_MS).toISOString()
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
}
