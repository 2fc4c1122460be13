import { DEMO_MODEL } from '../demo'
import type { RelayDeps } from '../deps'
import { fetchModelList } from '../upstream/models'

/**
 * GET /v1/models: the allow-list (demo labelled `relay-demo`), or the upstream's own list when open;
 * models that take images (RELAY_VISION_MODELS, the demo) carry `"vision": true`.
 */
export async function listModels(deps: RelayDeps): Promise<unknown> {
  const { config } = deps
  const vision = new Set(config.media.visionModels)
  if (config.models.length === 0 && config.upstream) {
    const fromUpstream = await fetchModelList(deps.upstream, config.upstream, 5000, deps.secrets)
    if (fromUpstream && typeof fromUpstream === 'object' && 'data' in fromUpstream) {
      const list = fromUpstream as { data: unknown }
      if (!Array.isArray(list.data)) return fromUpstream
      const data = list.data.map((model: { id?: unknown }) =>
        model && vision.has(model.id as string) ? { ...model, vision: true } : model,
      )
      return { ...fromUpstream, data }
    }
    return { object: 'list', data: [] }
  }
  return {
    object: 'list',
    data: config.models.map((id) => {
      const demo = id === DEMO_MODEL || !config.upstream
      const entry = { id, object: 'model', created: 0, owned_by: demo ? 'relay-demo' : 'relay', demo }
      return demo || vision.has(id) ? { ...entry, vision: true } : entry
    }),
  }
}
