import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { RelayUser } from '../hooks'
import { signedMediaUrl } from './media-url'
import type { StoredUpload } from './upload-store'
import { isWav } from './wav'

/**
 * How long a recording is kept for WeChat to fetch. WeChat fetches within seconds; the recording is
 * deleted as soon as its check is over, so this only bounds what a crashed request leaves behind.
 */
export const AUDIO_KEEP_MS = 2 * 60_000

/**
 * The type the recording is served with: WAV (what the app records, and wx.uploadFile may declare
 * as octet-stream) by its header, else its declared audio type, never anything a browser would render.
 */
function audioType(bytes: Buffer, declared: string): StoredUpload['type'] {
  if (isWav(bytes)) return 'audio/wav'
  const type = declared.toLowerCase()
  return /^audio\/[a-z0-9.+-]+$/.test(type) ? (type as `audio/${string}`) : 'audio/octet-stream'
}

/**
 * Content security of a recording (the `checkAudio` hook, e.g. WeChat's media_check_async with
 * media_type 1): the recording is kept briefly in the upload store, which `GET /wx/media` serves at
 * a signed URL, and forgotten once the verdict is in. Resolves when it may be transcribed back;
 * `risky` rejects with `content_blocked`. Without the hook it resolves at once.
 */
export async function checkAudio(
  req: IncomingMessage,
  user: RelayUser,
  file: { bytes: Buffer; mimeType: string },
  deps: RelayDeps,
): Promise<void> {
  const check = deps.hooks?.checkAudio
  if (!check) return
  const expiresAt = Date.now() + AUDIO_KEEP_MS
  const recording: StoredUpload = {
    id: randomBytes(12).toString('base64url'),
    owner: user.userId,
    audio: true,
    type: audioType(file.bytes, file.mimeType),
    width: 0,
    height: 0,
    bytes: file.bytes.length,
    data: file.bytes,
    expiresAt,
  }
  await deps.media.uploads.put(recording)
  try {
    const url = signedMediaUrl(req, deps, recording.id, expiresAt)
    const verdict = await check(user, { id: recording.id, type: recording.type, bytes: recording.bytes, url })
    if (verdict === 'risky') {
      throw new RelayError(400, 'content_blocked', '这段语音未通过内容安全检查，请重新录制')
    }
  } finally {
    await deps.media.uploads.delete(recording.id).catch(() => undefined)
  }
}
