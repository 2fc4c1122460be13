import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { admit } from '../chat/admit'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import { sendJson } from '../http/respond'
import type { MediaConfig } from './config'
import { readMultipart } from './multipart'
import type { MediaParts } from './parts'
import { sniffImage } from './sniff'

/**
 * `POST /v1/uploads` (multipart, the image in field `file`, what wx.uploadFile sends) →
 * `201 {"id","type","width","height","bytes"}`. The bytes decide what it is: JPEG, PNG or WebP
 * whatever the file name or declared type say (415 otherwise); larger than
 * RELAY_MAX_UPLOAD_BYTES is 413. It belongs to its uploader and expires after RELAY_UPLOAD_TTL_MS.
 */
export async function postUpload(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RelayDeps,
  media: MediaConfig,
  parts: MediaParts,
): Promise<void> {
  const user = await admit(req, deps)
  const form = await readMultipart(req, 'file', media.maxUploadBytes)
  if (!form.file || form.file.bytes.length === 0)
    throw new RelayError(400, 'invalid_upload', 'Field "file" with the image is required')
  const facts = sniffImage(form.file.bytes)
  if (!facts) throw new RelayError(415, 'unsupported_image', 'Only JPEG, PNG and WebP images are accepted')
  const upload = {
    id: randomBytes(12).toString('base64url'),
    owner: user.userId,
    ...facts,
    bytes: form.file.bytes.length,
    data: form.file.bytes,
    expiresAt: Date.now() + media.uploadTtlMs,
  }
  await parts.uploads.put(upload)
  sendJson(res, 201, {
    id: upload.id,
    type: upload.type,
    width: upload.width,
    height: upload.height,
    bytes: upload.bytes,
  })
}
