import { RelayError } from '../errors'
import { bad, isRecord } from './validate-fields'

/** How a chat message names an image the caller uploaded (`POST /v1/uploads`). */
export const UPLOAD_SCHEME = 'upload://'

/** Upload ids are 16 base64url characters; a little room for other stores. */
const UPLOAD_ID = /^[\w-]{1,64}$/

/** An OpenAI vision content part as the relay accepts it from a client. */
export interface ImagePart {
  type: 'image_url'
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' }
}

/**
 * Whether `part` is an image part; throws for a malformed one. Only `upload://<id>` is accepted:
 * an http(s) URL would make the relay (or, through it, the upstream) fetch what a caller names,
 * and a `data:` URL would skip the upload's checks.
 */
export function isImagePart(part: unknown, index: number): part is ImagePart {
  if (!isRecord(part) || part.type !== 'image_url') return false
  const image = part.image_url
  if (!isRecord(image) || typeof image.url !== 'string') {
    throw bad('invalid_messages', `messages[${index}] image_url parts must be {"image_url":{"url":string}}`)
  }
  if (image.detail !== undefined && !['auto', 'low', 'high'].includes(image.detail as string)) {
    throw bad('invalid_messages', `messages[${index}] image_url.detail must be auto, low or high`)
  }
  if (!image.url.startsWith(UPLOAD_SCHEME)) {
    throw new RelayError(
      400,
      'unsupported_image_url',
      `messages[${index}]: images must be uploads (${UPLOAD_SCHEME}<id> from POST /v1/uploads), not other URLs`,
    )
  }
  return true
}

/** The upload id of an accepted image part, or null when it cannot be one (treated as unknown). */
export function uploadIdOf(part: ImagePart): string | null {
  const id = part.image_url.url.slice(UPLOAD_SCHEME.length)
  return UPLOAD_ID.test(id) ? id : null
}
