import type { ChatUpdate } from './types'

/** Passes updates on until the first `done` or `error`, and nothing after it. */
export interface UpdateGate {
  emit(update: ChatUpdate): void
  /** True once a final update went through. */
  readonly closed: boolean
}

/**
 * The one implementation of the stream contract "deltas, then exactly one `done` or `error`":
 * the decoder, the chat client and the login wrapper each have several ways to end (the stream,
 * a timeout, a failure, an abort) and all go through a gate instead of a flag of their own.
 * `onFinal` runs once, before the final update is handed on (for cleanup).
 */
export function createUpdateGate(onUpdate: (update: ChatUpdate) => void, onFinal?: () => void): UpdateGate {
  let closed = false
  return {
    emit(update) {
      if (closed) return
      if (update.type !== 'delta') {
        closed = true
        onFinal?.()
      }
      onUpdate(update)
    },
    get closed() {
      return closed
    },
  }
}
