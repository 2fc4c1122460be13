const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/**
 * When something happened, as a chat list shows it: 刚刚 (under a minute, or
 * a clock slightly ahead), N 分钟前 (under an hour), HH:mm (earlier today),
 * 昨天 HH:mm, M月D日 (this year), YYYY年M月D日 (before).
 * `utcOffsetMinutes` is the wall clock's offset (China: 480); it defaults to the
 * device's, and tests pass it so they do not depend on the machine's zone.
 */
export function formatRelativeTime(time: number, now: number, utcOffsetMinutes?: number): string {
  const elapsed = now - time
  if (elapsed < MINUTE) return '刚刚'
  if (elapsed < 60 * MINUTE) return `${Math.floor(elapsed / MINUTE)} 分钟前`
  const offset = (utcOffsetMinutes ?? -new Date(now).getTimezoneOffset()) * MINUTE
  const then = new Date(time + offset)
  const today = Math.floor((now + offset) / DAY)
  const day = Math.floor((time + offset) / DAY)
  const clock = `${pad(then.getUTCHours())}:${pad(then.getUTCMinutes())}`
  if (day === today) return clock
  if (day === today - 1) return `昨天 ${clock}`
  const sameYear = then.getUTCFullYear() === new Date(now + offset).getUTCFullYear()
  const date = `${then.getUTCMonth() + 1}月${then.getUTCDate()}日`
  return sameYear ? date : `${then.getUTCFullYear()}年${date}`
}
