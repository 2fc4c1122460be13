import { readErrorText } from '../lib/openai/index'
import { normalizeRelayUrl } from '../lib/settings/index'
import { ensureLogin } from './auth'

/** What the relay answered an upload with. */
export interface UploadReply {
  status: number
  /** The parsed JSON body ({} when it was not JSON). */
  body: Record<string, unknown>
  /** The relay's own message, when it wrote one in Chinese. */
  readable?: string
}

/**
 * Sends a file to a relay endpoint as multipart field `file` (`wx.uploadFile`, what OpenAI's
 * multipart endpoints expect), authorized like every relay call. Rejects only when the request
 * could not be made (`network`); any HTTP answer resolves.
 */
export async function uploadToRelay(
  relayUrl: string,
  token: string | undefined,
  endpoint: string,
  filePath: string,
  formData?: Record<string, string>,
): Promise<UploadReply> {
  const base = normalizeRelayUrl(relayUrl)
  const bearer = token || (await ensureLogin(base).catch(() => null)) || undefined
  return new Promise((resolve, reject) => {
    const header: Record<string, string> = {}
    if (bearer) header.Authorization = `Bearer ${bearer}`
    try {
      wx.uploadFile({
        url: `${base}${endpoint}`,
        filePath,
        name: 'file',
        header,
        ...(formData ? { formData } : {}),
        timeout: 60_000,
        success: (res) => {
          let body: Record<string, unknown> = {}
          try {
            const parsed: unknown = JSON.parse(res.data)
            if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
          } catch {
            // Not JSON: the status says what happened.
          }
          const message = readErrorText(res.data).message
          const reply: UploadReply = { status: res.statusCode, body }
          if (message && /[\u4e00-\u9fff]/.test(message)) reply.readable = message
          resolve(reply)
        },
        fail: () => reject(new Error('network')),
      })
    } catch {
      reject(new Error('network'))
    }
  })
}
