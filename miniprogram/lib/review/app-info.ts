/** What the relay's `GET /v1/app-info` says (see relay/src/review/app-info.ts), as the app keeps it. */
export interface AppInfo {
  service: { name: string; support: string }
  aiLabel: string
  models: ModelInfo[]
  agreement: AgreementText
  privacy: AgreementText
}

/** One model: the name users see, who provides it, its filing / registration number. */
export interface ModelInfo {
  id: string
  name: string
  provider: string
  filing: string
  /** It takes photos (image parts); the app offers 📷 only then. */
  vision?: boolean
}

/** A versioned text the user agrees to. */
export interface AgreementText {
  version: string
  title: string
  text: string
}

/** The explicit label every AI answer carries (《人工智能生成合成内容标识办法》). */
export const DEFAULT_AI_LABEL = '内容由 AI 生成'

/**
 * Until the relay has answered (first launch offline, a relay without the route): the label, and
 * agreement texts that say where the real ones come from. Their version is '' so consent given to
 * them never counts for the relay's real texts.
 */
export const FALLBACK_APP_INFO: AppInfo = {
  service: { name: 'AI 对话', support: '' },
  aiLabel: DEFAULT_AI_LABEL,
  models: [],
  agreement: {
    version: '',
    title: '用户协议',
    text: '正在从服务器获取用户协议，请确认网络连接后重试。回答均由人工智能生成，仅供参考。',
  },
  privacy: {
    version: '',
    title: '隐私政策',
    text: '正在从服务器获取隐私政策，请确认网络连接后重试。',
  },
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function agreement(value: unknown): AgreementText | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const raw = value as Record<string, unknown>
  const version = str(raw.version)
  const title = str(raw.title)
  const text = str(raw.text)
  return version && title && text ? { version, title, text } : undefined
}

/** A relay's answer (or what storage kept of it) → AppInfo; undefined when it is not one. */
export function parseAppInfo(value: unknown): AppInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const raw = value as Record<string, unknown>
  const service = raw.service as Record<string, unknown> | undefined
  const agreementText = agreement(raw.agreement)
  const privacyText = agreement(raw.privacy)
  if (!service || typeof service.name !== 'string' || !agreementText || !privacyText) return undefined
  const models = Array.isArray(raw.models) ? raw.models : []
  return {
    service: { name: service.name, support: str(service.support) ?? '' },
    aiLabel: str(raw.aiLabel) || DEFAULT_AI_LABEL,
    models: models.flatMap((m: unknown) => {
      const model = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>
      const id = str(model.id)
      if (!id) return []
      const info: ModelInfo = {
        id,
        name: str(model.name) || id,
        provider: str(model.provider) ?? '',
        filing: str(model.filing) ?? '',
      }
      if (model.vision === true) info.vision = true
      return [info]
    }),
    agreement: agreementText,
    privacy: privacyText,
  }
}

/** The line reviewers look for near the input: the active model and its filing number. */
export function modelLine(info: AppInfo, modelId: string): string {
  const model = info.models.find((m) => m.id === modelId)
  if (!model) return `模型：${modelId}`
  const filing = model.filing ? `备案号：${model.filing}` : '备案信息待补充'
  return `模型：${model.name} · ${filing}`
}

/** Whether the model takes photos (as the relay describes it). */
export function takesImages(info: AppInfo, modelId: string): boolean {
  return info.models.some((m) => m.id === modelId && m.vision === true)
}
