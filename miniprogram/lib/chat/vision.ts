import type { RequestMessage } from './context'
import type { MessageImage } from './types'

/** An OpenAI chat message on the wire: text, or (a question with photos) text and image parts. */
export type WireMessage =
  | { role: 'system' | 'user' | 'assistant'; content: string }
  | {
      role: 'user'
      content: Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }>
    }

/** What stands in for a photo left out of the context (older than the last few). */
export const IMAGE_PLACEHOLDER = '[图片]'

/** The photos that go into a request as images: the last `keep` of them, in order. */
export function keptImages(messages: readonly RequestMessage[], keep: number): Set<MessageImage> {
  const all = messages.flatMap((m) => m.images ?? [])
  return new Set(keep > 0 ? all.slice(-keep) : [])
}

/**
 * The request's messages as OpenAI's vision format expects them: a question with photos becomes
 * a text part followed by `image_url` parts naming the relay's uploads (`upload://<id>`); photos
 * beyond the last `keep` become "[图片]" in the text, so the model still knows one was there.
 */
export function wireMessages(messages: readonly RequestMessage[], keep: number): WireMessage[] {
  const kept = keptImages(messages, keep)
  return messages.map((m): WireMessage => {
    if (!m.images?.length) return { role: m.role, content: m.content }
    const dropped = m.images.filter((image) => !kept.has(image)).length
    const text = [m.content, ...Array<string>(dropped).fill(IMAGE_PLACEHOLDER)]
      .filter((t) => t !== '')
      .join(' ')
    const parts: Extract<WireMessage, { content: unknown[] }>['content'] = text
      ? [{ type: 'text', text }]
      : []
    for (const image of m.images) {
      if (kept.has(image))
        parts.push({ type: 'image_url', image_url: { url: `upload://${image.uploadId ?? ''}` } })
    }
    return { role: 'user', content: parts }
  })
}
