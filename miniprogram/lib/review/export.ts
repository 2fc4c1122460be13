import type { Conversation } from '../chat/index'
import { withAiLabel } from './label'

/** Shown in place of an answer that content security hid or the user hid: nothing of it is exported. */
const WITHHELD = '（该回答未显示）'

/**
 * One conversation as Markdown for the user to keep: its title and time, each question, and each
 * answer followed by the AI label line (an exported answer is AI text leaving the app).
 */
export function conversationMarkdown(conversation: Conversation, label: string, exportedAt: Date): string {
  const parts = [
    `# ${conversation.title}`,
    `导出于 ${exportedAt.toISOString().slice(0, 16).replace('T', ' ')}`,
  ]
  for (const message of conversation.messages) {
    if (message.role === 'user') {
      parts.push(`## 我\n\n${message.content}`)
    } else if (message.status === 'blocked' || message.hidden || message.content.trim() === '') {
      parts.push(`## AI\n\n${WITHHELD}`)
    } else {
      parts.push(`## AI\n\n${withAiLabel(message.content, label)}`)
    }
  }
  return `${parts.join('\n\n')}\n`
}
