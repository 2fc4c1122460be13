import type { ChatRequestPlan, MessageImage } from '../lib/chat/index'
import type { GenerationHandle } from './generation'
import { uploadAll } from './uploads'

/** What the session does when the photos of a question are on the relay, or could not get there. */
export interface PhotoUploadEvents {
  /** Still the session's current request (nothing else was started meanwhile). */
  current(handle: GenerationHandle): boolean
  uploaded(uploaded: MessageImage[]): void
  failed(message: string): void
  stopped(): void
}

/**
 * Gives the relay the photos the request names (new ones, or uploads it may have forgotten) before
 * the answer starts. The handle stands for the answer meanwhile: stop reports it stopped, detach
 * just lets go, and after either nothing more is reported.
 */
export function uploadPhotosFirst(plan: ChatRequestPlan, events: PhotoUploadEvents): GenerationHandle {
  let over = false
  const handle: GenerationHandle = {
    stop: () => {
      over = true
      events.stopped()
    },
    detach: () => {
      over = true
    },
  }
  const live = () => !over && events.current(handle)
  uploadAll(plan.relayUrl, plan.token, plan.uploads).then(
    (uploaded) => {
      if (live()) events.uploaded(uploaded)
    },
    (error: Error) => {
      if (live()) events.failed(error.message)
    },
  )
  return handle
}
