import { canContinue, HIDDEN_NOTICE, type Message, reasoningLabel } from '../chat/index'
import type { Block } from '../markdown/types'
import type { MessageView } from './types'

/** Splits reasoning into paragraphs so a growing reasoning updates only its last one. */
export function reasoningParagraphs(text: string | undefined): string[] {
  if (!text) return []
  return text.split(/\n{2,}/)
}

/**
 * The render model of one message. `blocks` are the answer's markdown blocks
 * (computed by the caller, incrementally while streaming); `open` is the
 * reasoning panel state the user chose, if any.
 */
export function messageView(
  message: Message,
  blocks: Block[],
  open: boolean | undefined,
  reconnecting = false,
): MessageView {
  const streaming = message.status === 'streaming'
  const answering = message.content !== ''
  const user = message.role === 'user'
  const blocked = message.status === 'blocked'
  return {
    id: message.id,
    role: message.role,
    status: message.status,
    // A refused question shows its notice in the bubble; its text is gone.
    text: user ? (blocked ? (message.error?.message ?? '') : message.content) : '',
    images: user && !blocked ? (message.images ?? []).map((image) => image.path) : [],
    blocks,
    reasoning: reasoningParagraphs(message.reasoning),
    reasoningLabel: reasoningLabel(message),
    // Open while the model thinks, collapsed once the answer starts, unless the user chose.
    reasoningOpen: open ?? (streaming && !answering),
    waiting: streaming && !answering && !message.reasoning,
    error: user ? '' : message.hidden ? HIDDEN_NOTICE : (message.error?.message ?? ''),
    canContinue: canContinue(message),
    finished: message.role === 'assistant' && !streaming,
    reconnecting: streaming && reconnecting,
    feedback: message.feedback ?? '',
    reported: message.reported === true,
    ratable: !user && !streaming && !blocked && !message.hidden && answering,
  }
}
