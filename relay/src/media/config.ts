import { DEMO_MODEL } from '../demo/model-id'

/** An OpenAI-compatible transcription upstream (`RELAY_ASR_*`). */
export interface AsrConfig {
  baseUrl: string
  apiKey: string
  model: string
}

/** Photos and voice: which models see images, the limits, and where speech goes. */
export interface MediaConfig {
  /** Models that accept image parts (`RELAY_VISION_MODELS`; the demo model always does). */
  visionModels: string[]
  /** `RELAY_MAX_UPLOAD_BYTES`: largest image upload (413 above). */
  maxUploadBytes: number
  /** `RELAY_UPLOAD_TTL_MS`: how long an upload can be referenced. */
  uploadTtlMs: number
  /** `RELAY_UPLOAD_MEMORY_BYTES`: uploads kept in memory at most (without Redis); the oldest go first. */
  uploadMemoryBytes: number
  /** `RELAY_CONTEXT_IMAGES`: image parts sent upstream per request (older ones become "[图片]"). */
  contextImages: number
  /** `RELAY_MAX_AUDIO_BYTES`: largest recording to transcribe. */
  maxAudioBytes: number
  /** Null: the demo transcript answers. */
  asr: AsrConfig | null
  /** HMAC key of `GET /wx/media` URLs (`RELAY_MEDIA_URL_SECRET`, else the session secret, else the hash salt). */
  mediaUrlSecret: string
  /** `RELAY_PUBLIC_URL`: how WeChat reaches this relay (`https://relay.example.com`); '' = the request's Host. */
  publicUrl: string
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function asr(env: NodeJS.ProcessEnv): AsrConfig | null {
  const raw = env.RELAY_ASR_BASE_URL?.trim()
  if (!raw) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`RELAY_ASR_BASE_URL must be an absolute http(s) URL, got "${raw}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('RELAY_ASR_BASE_URL must use http or https')
  const apiKey = env.RELAY_ASR_API_KEY?.trim() ?? ''
  if (/[\r\n\0]/.test(apiKey)) throw new Error('RELAY_ASR_API_KEY must not contain line breaks')
  return { baseUrl: raw.replace(/\/+$/, ''), apiKey, model: env.RELAY_ASR_MODEL?.trim() || 'whisper-1' }
}

function publicUrl(env: NodeJS.ProcessEnv): string {
  const raw = env.RELAY_PUBLIC_URL?.trim() ?? ''
  if (raw === '') return ''
  if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(raw))
    throw new Error(`RELAY_PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`)
  return raw.replace(/\/+$/, '')
}

/** Reads the media settings; throws naming the bad variable. `fallbackSecret` keys media URLs without one of their own. */
export function loadMediaConfig(env: NodeJS.ProcessEnv, fallbackSecret: string): MediaConfig {
  const listed = (env.RELAY_VISION_MODELS ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
  return {
    visionModels: [...new Set([DEMO_MODEL, ...listed])],
    maxUploadBytes: whole(env, 'RELAY_MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1024, 50 * 1024 * 1024),
    uploadTtlMs: whole(env, 'RELAY_UPLOAD_TTL_MS', 3_600_000, 1000, 7 * 86_400_000),
    uploadMemoryBytes: whole(env, 'RELAY_UPLOAD_MEMORY_BYTES', 256 * 1024 * 1024, 1024 * 1024, 8 * 1024 ** 3),
    contextImages: whole(env, 'RELAY_CONTEXT_IMAGES', 4, 0, 32),
    maxAudioBytes: whole(env, 'RELAY_MAX_AUDIO_BYTES', 10 * 1024 * 1024, 1024, 50 * 1024 * 1024),
    asr: asr(env),
    mediaUrlSecret: env.RELAY_MEDIA_URL_SECRET?.trim() || env.RELAY_SESSION_SECRET?.trim() || fallbackSecret,
    publicUrl: publicUrl(env),
  }
}
