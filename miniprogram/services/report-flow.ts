import { REPORT_REASONS } from '../lib/review/report'
import type { ChatSession } from './chat-session'
import { chooseAction, confirm, promptText, toast } from './ui'

/**
 * 举报, as the user goes through it: a reason from the six categories, an optional note, the
 * report sent (its failure said in Chinese), then the offer to hide the answer at once.
 */
export async function reportAnswer(session: ChatSession, index: number): Promise<void> {
  const reason = REPORT_REASONS[await chooseAction(REPORT_REASONS.map((r) => r.label))]
  if (!reason) return
  const note = await promptText('补充说明（可选）', '')
  if (note === null) return
  try {
    await session.report(index, reason.code, note)
  } catch (error) {
    toast(error instanceof Error ? error.message : '举报失败，请稍后重试')
    return
  }
  if (await confirm('举报已提交', '我们会尽快处理。要从对话中隐藏这条回答吗？', '隐藏'))
    session.hideAnswer(index)
}
