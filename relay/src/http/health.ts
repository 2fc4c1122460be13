import type { RelayConfig } from '../config'

/** GET /healthz: alive, and which upstream host answers (`demo` without one). */
export function health(config: RelayConfig): { ok: true; upstream: string; fallback?: string } {
  if (!config.upstream) return { ok: true, upstream: 'demo' }
  const upstream = new URL(config.upstream.baseUrl).host
  return config.fallback
    ? { ok: true, upstream, fallback: new URL(config.fallback.baseUrl).host }
    : { ok: true, upstream }
}
