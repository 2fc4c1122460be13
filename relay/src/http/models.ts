import { DEMO_MODEL } from '../demo'
import type { RelayDeps } from '../deps'
import { fetchModelList } from '../upstream/models'

/** GET /v1/models: the allow-list (demo labelled `relay-demo`), or the upstream's own list when open. */
export async function listModels(deps: RelayDeps): Promise<unknown> {
  const { config } = deps
  if (config.models.length === 0 && config.upstream) {
    const fromUpstream = await fetchModelList(deps.upstream, config.upstream, 5000, deps.secrets)
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
