import { type ImagePart, uploadIdOf } from '../chat/image-parts'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import type { ChatRequestBody, RelayContext } from '../hooks'
import { MEDIA_URL_TTL_MS, signedMediaUrl } from './media-url'
import type { StoredUpload } from './upload-store'

/** What stands in for a photo that is not sent (older than the last few, or a model without vision). */
export const IMAGE_PLACEHOLDER = '[图片]'

/** Where one image part stands in the request. */
interface ImageRef {
  message: number
  part: number
  image: ImagePart
}

/** A request's images: the uploads that go upstream, and which parts become "[图片]". */
export interface ImagePlan {
  /** Parts sent as images, with their upload. */
  kept: Array<ImageRef & { upload: StoredUpload }>
  /** Parts replaced by the placeholder text. */
  dropped: ImageRef[]
}

function imageRefs(body: ChatRequestBody): ImageRef[] {
  const refs: ImageRef[] = []
  body.messages.forEach((message, m) => {
    if (!Array.isArray(message.content)) return
    message.content.forEach((part: { type?: unknown }, p) => {
      if (part.type === 'image_url') refs.push({ message: m, part: p, image: part as ImagePart })
    })
  })
  return refs
}

function notFound(): RelayError {
  return new RelayError(
    400,
    'upload_not_found',
    'An image of this request is unknown or has expired; upload it again (POST /v1/uploads)',
  )
}

/**
 * Decides, before anything is spent on the request, which of its images go upstream: the newest
 * `RELAY_CONTEXT_IMAGES` for a vision model, none for another (a 400 `vision_not_supported` when
 * the newest question has one; earlier turns' become "[图片]"). Each kept image must be the
 * caller's own live upload (400 `upload_not_found` otherwise). Null when the request has no image.
 */
export async function planImages(
  body: ChatRequestBody,
  userId: string,
  deps: RelayDeps,
): Promise<ImagePlan | null> {
  const refs = imageRefs(body)
  if (refs.length === 0) return null
  const { media, upstream } = deps.config
  // Without an upstream every model is the demo, which takes images.
  const vision = !upstream || media.visionModels.includes(body.model)
  let newest = body.messages.length - 1
  while (newest >= 0 && body.messages[newest]?.role !== 'user') newest--
  if (!vision && refs.some((ref) => ref.message === newest)) {
    throw new RelayError(
      400,
      'vision_not_supported',
      `The model "${body.model}" does not accept images; choose a vision model`,
    )
  }
  const keep = vision ? Math.min(refs.length, media.contextImages) : 0
  const keptRefs = refs.slice(refs.length - keep)
  const uploads = new Map<string, Promise<StoredUpload | null>>()
  const kept = await Promise.all(
    keptRefs.map(async (ref) => {
      const id = uploadIdOf(ref.image)
      if (id === null) throw notFound()
      if (!uploads.has(id)) uploads.set(id, deps.media.uploads.get(id))
      const upload = await uploads.get(id)
      // Another caller's upload is as unknown as a made-up id: ids must not be probeable.
      // A recording kept for its audio check is not an image, whoever names it.
      if (!upload || upload.owner !== userId || upload.audio) throw notFound()
      return { ...ref, upload }
    }),
  )
  return { kept, dropped: refs.slice(0, refs.length - keep) }
}

/** Checks run at once per upload: two requests naming one image wait for the same verdict. */
const inFlight = new Map<string, Promise<void>>()

/** Asks `checkImage` about one upload unless its verdict is cached; `risky` refuses the request. */
async function checkOne(ctx: RelayContext, upload: StoredUpload, deps: RelayDeps): Promise<void> {
  const check = deps.hooks?.checkImage
  if (upload.verdict === 'pass' || !check) return
  if (upload.verdict === 'risky') throw blocked()
  const running = inFlight.get(upload.id)
  if (running) return running
  const url = signedMediaUrl(
    ctx.req,
    deps,
    upload.id,
    Math.min(Date.now() + MEDIA_URL_TTL_MS, upload.expiresAt),
  )
  const run = (async () => {
    const verdict = await check(ctx, { id: upload.id, type: upload.type, bytes: upload.bytes, url })
    if (verdict !== 'unchecked') await deps.media.uploads.setVerdict(upload.id, verdict)
    if (verdict === 'risky') throw blocked()
  })().finally(() => inFlight.delete(upload.id))
  inFlight.set(upload.id, run)
  return run
}

function blocked(): RelayError {
  return new RelayError(400, 'content_blocked', '图片未通过内容安全检查，请换一张再试')
}

function dataUrl(upload: StoredUpload): string {
  return `data:${upload.type};base64,${upload.data.toString('base64')}`
}

/**
 * The body the upstream gets: every kept image checked (no image goes upstream before its
 * verdict) and inlined as a `data:` URL, every dropped one the text "[图片]"; a message left with
 * only text parts becomes a plain string, which every OpenAI-compatible upstream reads.
 */
export async function applyImages(ctx: RelayContext, plan: ImagePlan, deps: RelayDeps): Promise<void> {
  const distinct = new Map(plan.kept.map((ref) => [ref.upload.id, ref.upload]))
  await Promise.all([...distinct.values()].map((upload) => checkOne(ctx, upload, deps)))
  const replaced = new Map<number, Map<number, unknown>>()
  const set = (ref: ImageRef, part: unknown) => {
    const parts = replaced.get(ref.message) ?? new Map<number, unknown>()
    parts.set(ref.part, part)
    replaced.set(ref.message, parts)
  }
  for (const ref of plan.kept) {
    set(ref, { type: 'image_url', image_url: { ...ref.image.image_url, url: dataUrl(ref.upload) } })
  }
  for (const ref of plan.dropped) set(ref, { type: 'text', text: IMAGE_PLACEHOLDER })
  const messages = ctx.body.messages.map((message, m) => {
    const parts = replaced.get(m)
    if (!parts || !Array.isArray(message.content)) return message
    const content = message.content.map((part: unknown, p) => (parts.has(p) ? parts.get(p) : part))
    const textOnly = content.every((part) => (part as { type?: unknown }).type === 'text')
    return {
      ...message,
      content: textOnly ? content.map((part) => (part as { text: string }).text).join(' ') : content,
    }
  })
  ctx.body = { ...ctx.body, messages }
}
