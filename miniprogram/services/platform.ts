/**
 * What this WeChat base library can do. Lives in services/ because it asks `wx`.
 */

/** First base library with `enableChunked` / `onChunkReceived`. */
export const CHUNKED_MIN_SDK = '2.20.2'

/** Compares dotted versions numerically ('2.9.0' < '2.20.2'). */
export function compareVersion(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

function sdkVersion(): string | undefined {
  try {
    const info = typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync()
    return info.SDKVersion || undefined
  } catch {
    return undefined
  }
}

/**
 * Whether this base library can stream (`enableChunked`, 2.20.2+). Older ones
 * get one non-streaming answer instead of a request that never shows text.
 */
export function canStream(): boolean {
  try {
    if (!wx.canIUse('request.object.enableChunked')) return false
  } catch {
    return false
  }
  const version = sdkVersion()
  return version === undefined || compareVersion(version, CHUNKED_MIN_SDK) >= 0
}
