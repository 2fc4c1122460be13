/** The report categories the relay accepts, with what the user reads (WeChat's action sheet shows six at most). */
export const REPORT_REASONS = [
  { code: 'illegal', label: '违法违规' },
  { code: 'porn', label: '色情低俗' },
  { code: 'violence', label: '暴力恐怖' },
  { code: 'false', label: '虚假信息' },
  { code: 'rights', label: '侵犯权益' },
  { code: 'other', label: '其他' },
] as const

/** A reason code. */
export type ReportReason = (typeof REPORT_REASONS)[number]['code']

/** What a user can say about an answer. */
export type FeedbackKind = 'up' | 'down' | 'report'

/** `POST /v1/feedback`'s body: the answer's text only for reports, the note bounded as the relay wants. */
export function feedbackBody(
  kind: FeedbackKind,
  answer: { generationId?: string; model?: string; content: string },
  report?: { reason: ReportReason; note?: string },
): Record<string, string> {
  const body: Record<string, string> = { kind }
  if (answer.generationId) body.generationId = answer.generationId
  if (answer.model) body.model = answer.model
  if (kind === 'report' && report) {
    body.reason = report.reason
    const note = report.note?.trim()
    if (note) body.note = note.slice(0, 500)
    body.content = answer.content.slice(0, 20_000)
  }
  return body
}
