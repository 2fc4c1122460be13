import type { RelayConfig } from './config'
import { DEMO_MODEL } from './demo'
import { getUpstreamJson } from './upstream'

/** GET /v1/models: the allow-list (demo labelled `relay-demo`), or the upstream's own list when open. */
export async function listModels(config: RelayConfig): Promise<unknown> {
  if (config.models.length === 0 && config.upstream) {
    const fromUpstream = await getUpstreamJson(config.upstream, '/models', 5000)
    if (fromUpstream && typeof fromUpstream === 'object' && 'data' in fromUpstream) return fromUpstream
    return { object: 'list', data: [] }
  }
  return {
    object: 'list',
    data: config.models.map((id) => {
      const demo = id === DEMO_MODEL || !config.upstream
      return { id, object: 'model', created: 0, owned_by: demo ? 'relay-demo' : 'relay', demo }
    }),
  }
}

/** GET /healthz: alive, and which upstream host answers (`demo` without one). */
export function health(config: RelayConfig): { ok: true; upstream: string; fallback?: string } {
  if (!config.upstream) return { ok: true, upstream: 'demo' }
  const upstream = new URL(config.upstream.baseUrl).host
  return config.fallback
    ? { ok: true, upstream, fallback: new URL(config.fallback.baseUrl).host }
    : { ok: true, upstream }
}
