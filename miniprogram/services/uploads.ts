import type { MessageImage } from '../lib/chat/index'
import { uploadToRelay } from './relay-upload'

/** An upload the relay refused, in words the user reads. */
function refusal(status: number, readable: string | undefined): Error {
  if (status === 413) return new Error('图片太大，无法上传')
  if (status === 415) return new Error('只能发送 JPEG、PNG 或 WebP 图片')
  if (status === 401) return new Error('访问令牌无效或已过期，请在设置中检查')
  return new Error(readable ?? '图片上传失败，请重试')
}

/**
 * Uploads one photo to the relay (`POST /v1/uploads`) and resolves it with the relay's upload id.
 * @throws Error with a Chinese message.
 */
export async function uploadImage(
  relayUrl: string,
  token: string | undefined,
  image: MessageImage,
): Promise<MessageImage> {
  const reply = await uploadToRelay(relayUrl, token, '/v1/uploads', image.path).catch(() => {
    throw new Error('图片上传失败，请检查网络后重试')
  })
  const id = reply.body.id
  if (reply.status === 201 && typeof id === 'string')
    return { ...image, uploadId: id, uploadedAt: Date.now() }
  throw refusal(reply.status, reply.readable)
}

/** Uploads several photos at once; resolves them with their upload ids, or rejects with the first error. */
export function uploadAll(
  relayUrl: string,
  token: string | undefined,
  images: readonly MessageImage[],
): Promise<MessageImage[]> {
  return Promise.all(images.map((image) => uploadImage(relayUrl, token, image)))
}
