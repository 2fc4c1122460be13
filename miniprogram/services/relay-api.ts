import { errorMessage } from '../lib/errors/index'
import { parseModelList } from '../lib/openai/index'
import { describeHttpError, describeRequestFail } from '../lib/response/index'
import { normalizeRelayUrl } from '../lib/settings/index'
import { ensureLogin } from './auth'

/** Small requests of the settings page: they should answer fast or not at all. */
const TIMEOUT_MS = 10_000

interface GetResult {
  status: number
  data: unknown
  header: unknown
}

/** One small JSON request through wx.request (a POST sends `body`); network failures reject in Chinese. */
function call(url: string, token: string | undefined, body?: object): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const header: Record<string, string> = { Accept: 'application/json' }
    if (body) header['Content-Type'] = 'application/json'
    if (token) header.Authorization = `Bearer ${token}`
    try {
      wx.request({
        url,
        method: body ? 'POST' : 'GET',
        header,
        ...(body ? { data: JSON.stringify(body) } : {}),
        dataType: 'json',
        timeout: TIMEOUT_MS,
        success: (res) => resolve({ status: res.statusCode, data: res.data, header: res.header }),
        fail: (err) => reject(new Error(describeRequestFail(err?.errMsg, false).message)),
      })
    } catch {
      reject(new Error(errorMessage('network')))
    }
  })
}

/** The settings token, or else the WeChat login session's (none when the relay has no login). */
async function bearerFor(base: string, token: string | undefined): Promise<string | undefined> {
  return token || (await ensureLogin(base).catch(() => null)) || undefined
}

function get(url: string, token: string | undefined): Promise<GetResult> {
  return call(url, token)
}

function bodyText(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data ?? '')
}

function refused(result: GetResult): Error & { code?: string; status?: number } {
  const update = describeHttpError(result.status, bodyText(result.data), result.header, Date.now())
  return Object.assign(new Error(update.message), { code: update.code, status: result.status })
}

/**
 * The models the relay offers (`GET <relay>/v1/models`), in its order.
 * @throws Error with a readable Chinese message (and `code`/`status` for HTTP errors).
 */
export async function fetchModels(relayUrl: string, token: string): Promise<string[]> {
  const result = await get(`${normalizeRelayUrl(relayUrl)}/v1/models`, token || undefined)
  if (result.status < 200 || result.status >= 300) throw refused(result)
  const models = parseModelList(result.data)
  if (!models) throw new Error(errorMessage('bad_response'))
  return models
}

/** Outcome of the settings page's "test connection". */
export interface ConnectionResult {
  ok: boolean
  /** Chinese text for a toast or an inline notice. */
  message: string
  /** The models, when the model list could be read. */
  models?: string[]
}

/**
 * Checks the relay as the settings page would use it: `/healthz` says whether
 * it is reachable at all (a gateway without one answers 404, which is fine),
 * then `/v1/models` checks the token. Never throws.
 */
export async function testConnection(relayUrl: string, token: string): Promise<ConnectionResult> {
  const base = normalizeRelayUrl(relayUrl)
  try {
    const health = await get(`${base}/healthz`, undefined)
    if (health.status >= 500) {
      return { ok: false, message: `中转服务暂时不可用（HTTP ${health.status}）` }
    }
  } catch (error) {
    return { ok: false, message: `无法连接中转服务：${(error as Error).message}` }
  }
  try {
    const models = await fetchModels(base, token)
    const message =
      models.length > 0 ? `连接成功，可用模型 ${models.length} 个` : '连接成功，但中转没有提供模型'
    return { ok: true, message, models }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'unauthorized')
      return { ok: false, message: `已连接中转服务，但${errorMessage('unauthorized')}` }
    return { ok: false, message: (error as Error).message }
  }
}

/**
 * Asks the relay to stop generation `id` (the user pressed 停止). Resolves whether or not the relay
 * knew it; rejects only when the request could not be made. The token is the settings token, or
 * the WeChat login session's when there is none.
 */
export async function cancelGeneration(
  relayUrl: string,
  id: string,
  token: string | undefined,
): Promise<void> {
  const base = normalizeRelayUrl(relayUrl)
  await call(`${base}/v1/generations/${encodeURIComponent(id)}/cancel`, await bearerFor(base, token), {})
}

/**
 * Sends 👍 / 👎 / 举报 to the relay (`POST /v1/feedback`).
 * @throws Error with a readable Chinese message when it was not accepted.
 */
export async function sendFeedback(relayUrl: string, token: string | undefined, body: object): Promise<void> {
  const base = normalizeRelayUrl(relayUrl)
  const result = await call(`${base}/v1/feedback`, await bearerFor(base, token), body)
  if (result.status !== 201 && result.status !== 200) throw refused(result)
}
