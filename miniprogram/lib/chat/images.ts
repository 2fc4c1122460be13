import { withMessageAt } from './messages'
import type { Conversation, MessageImage } from './types'

/** Records where the relay has a question's photos (their upload ids), keeping everything else. */
export function withImages(
  conversation: Conversation,
  messageId: string,
  images: MessageImage[],
  now: number,
): Conversation {
  const index = conversation.messages.findIndex((m) => m.id === messageId)
  const message = conversation.messages[index]
  if (message?.role !== 'user') return conversation
  return withMessageAt(conversation, index, { ...message, images }, now)
}

/** Every photo file a conversation references (deleted with it). */
export function imagePaths(conversation: Conversation): string[] {
  return conversation.messages.flatMap((m) => (m.images ?? []).map((image) => image.path))
}

/** The bytes a conversation's photos take on the device (they count against the storage budget). */
export function imageBytes(conversation: Conversation): number {
  return conversation.messages.reduce((sum, m) => sum + (m.images ?? []).reduce((n, i) => n + i.bytes, 0), 0)
}

/**
 * The `uploaded` actions that record fresh uploads: one per question whose photos are among
 * `uploaded` (matched by file path), with those photos replaced.
 */
export function uploadedActions(
  conversation: Conversation,
  uploaded: readonly MessageImage[],
  now: number,
): Array<{ type: 'uploaded'; messageId: string; images: MessageImage[]; now: number }> {
  const byPath = new Map(uploaded.map((image) => [image.path, image]))
  return conversation.messages.flatMap((message) => {
    if (!message.images?.some((image) => byPath.has(image.path))) return []
    const images = message.images.map((image) => byPath.get(image.path) ?? image)
    return [{ type: 'uploaded' as const, messageId: message.id, images, now }]
  })
}
