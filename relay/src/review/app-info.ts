import { readFileSync } from 'node:fs'
import {
  type AgreementText,
  type AppInfo,
  DEFAULT_AI_LABEL,
  type ModelInfo,
} from '../../../miniprogram/lib/review/app-info'
import { DEMO_MODEL } from '../demo/model-id'
import { AGREEMENT_TEMPLATE, PRIVACY_TEMPLATE, TEMPLATE_VERSION } from './templates'

export type { AgreementText, AppInfo, ModelInfo }

/** The demo model describes itself honestly: canned answers, nothing filed. */
const DEMO_INFO: ModelInfo = {
  id: DEMO_MODEL,
  name: '演示模型（非真实模型，固定回答）',
  provider: '本中转内置演示',
  filing: '演示模型，无需备案',
}

/** `model=filing,model2=filing2` → a map (a filing number may contain `-` but never `,` or `=`). */
function parseFilings(raw: string | undefined): Map<string, string> {
  const filings = new Map<string, string>()
  for (const pair of (raw ?? '').split(',')) {
    if (pair.trim() === '') continue
    const at = pair.indexOf('=')
    if (at <= 0) throw new Error(`RELAY_MODEL_FILINGS must be model=filing pairs, got "${pair.trim()}"`)
    filings.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
  }
  return filings
}

/** The common case without a file: the service's name, contact and filings from variables. */
export function appInfoFromEnv(env: NodeJS.ProcessEnv, models: readonly string[]): AppInfo {
  const filings = parseFilings(env.RELAY_MODEL_FILINGS)
  const name = env.RELAY_SERVICE_NAME?.trim() || 'AI 对话'
  const support = env.RELAY_SUPPORT_CONTACT?.trim() || ''
  const ids = new Set([...models, ...filings.keys()])
  return {
    service: { name, support },
    aiLabel: DEFAULT_AI_LABEL,
    models: [...ids].map((id) =>
      id === DEMO_MODEL ? DEMO_INFO : { id, name: id, provider: '', filing: filings.get(id) ?? '' },
    ),
    agreement: {
      version: TEMPLATE_VERSION,
      title: '用户协议',
      text: fill(AGREEMENT_TEMPLATE, name, support),
    },
    privacy: { version: TEMPLATE_VERSION, title: '隐私政策', text: fill(PRIVACY_TEMPLATE, name, support) },
  }
}

/** The templates with what the variables already say filled in; the other 【…】 stay for the deployer. */
function fill(template: string, name: string, support: string): string {
  const named = template.replaceAll('【服务名称】', name)
  return support ? named.replaceAll('【客服联系方式】', support) : named
}

function text(value: unknown, where: string, optional = false): string {
  if (typeof value === 'string' && (optional || value.trim() !== '')) return value
  throw new Error(`${where} must be a${optional ? '' : ' non-empty'} string`)
}

function agreementOf(value: unknown, where: string): AgreementText {
  if (typeof value !== 'object' || value === null) throw new Error(`${where} must be an object`)
  const raw = value as Record<string, unknown>
  return {
    version: text(raw.version, `${where}.version`),
    title: text(raw.title, `${where}.title`),
    text: text(raw.text, `${where}.text`),
  }
}

/** Checks a parsed RELAY_APP_INFO_FILE and returns it in the served shape; throws naming the bad field. */
export function validateAppInfo(value: unknown): AppInfo {
  if (typeof value !== 'object' || value === null) throw new Error('the file must hold a JSON object')
  const raw = value as Record<string, unknown>
  const service = raw.service as Record<string, unknown> | undefined
  if (typeof service !== 'object' || service === null) throw new Error('service must be an object')
  if (!Array.isArray(raw.models)) throw new Error('models must be an array')
  const models = raw.models.map((m: unknown, i): ModelInfo => {
    const model = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>
    return {
      id: text(model.id, `models[${i}].id`),
      name: text(model.name, `models[${i}].name`),
      provider: text(model.provider, `models[${i}].provider`, true),
      filing: text(model.filing, `models[${i}].filing`, true),
      ...(model.vision === true ? { vision: true } : {}),
    }
  })
  if (!models.some((m) => m.id === DEMO_MODEL)) models.push(DEMO_INFO)
  return {
    service: {
      name: text(service.name, 'service.name'),
      support: text(service.support, 'service.support', true),
    },
    aiLabel: raw.aiLabel === undefined ? DEFAULT_AI_LABEL : text(raw.aiLabel, 'aiLabel'),
    models,
    agreement: agreementOf(raw.agreement, 'agreement'),
    privacy: agreementOf(raw.privacy, 'privacy'),
  }
}

/**
 * The service information the relay serves: RELAY_APP_INFO_FILE when set (validated now, so a bad
 * file stops the relay at start with a message naming the problem), otherwise the variables.
 */
export function loadAppInfo(env: NodeJS.ProcessEnv, models: readonly string[]): AppInfo {
  const path = env.RELAY_APP_INFO_FILE?.trim()
  if (!path) return appInfoFromEnv(env, models)
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`RELAY_APP_INFO_FILE ${path}: ${(error as Error).message}`)
  }
  try {
    return validateAppInfo(parsed)
  } catch (error) {
    throw new Error(`RELAY_APP_INFO_FILE ${path}: ${(error as Error).message}`)
  }
}

/** Marks the models that take photos (RELAY_VISION_MODELS, and any the file marks), so the app offers 📷. */
export function withVision(info: AppInfo, visionModels: readonly string[]): AppInfo {
  const vision = new Set(visionModels)
  return {
    ...info,
    models: info.models.map((m) => (m.vision || vision.has(m.id) ? { ...m, vision: true } : m)),
  }
}
