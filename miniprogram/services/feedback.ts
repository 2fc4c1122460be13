import type { Message } from '../lib/chat/index'
import { feedbackBody, type ReportReason } from '../lib/review/report'
import { sendFeedback } from './relay-api'
import { loadSettings } from './settings'

function facts(answer: Message): { generationId?: string; model: string; content: string } {
  const known = { content: answer.content, model: loadSettings().model }
  return answer.generationId ? { ...known, generationId: answer.generationId } : known
}

/** A 👍 / 👎 reaches the relay best-effort: the user's choice is kept on the phone either way. */
export function shareRating(answer: Message, rating: 'up' | 'down'): void {
  const settings = loadSettings()
  sendFeedback(settings.relayUrl, settings.token, feedbackBody(rating, facts(answer))).catch(() => undefined)
}

/**
 * Reports an answer with its text as evidence.
 * @throws Error with a Chinese message when the relay did not take it.
 */
export async function sendReport(answer: Message, reason: ReportReason, note: string): Promise<void> {
  const settings = loadSettings()
  await sendFeedback(
    settings.relayUrl,
    settings.token,
    feedbackBody('report', facts(answer), { reason, note }),
  )
}
