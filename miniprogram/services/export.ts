import { conversationMarkdown } from '../lib/review/export'
import { loadConversation } from './storage'
import { copyText } from './ui'

/** A file name for a conversation title: no path separators or characters file systems refuse. */
function fileName(title: string): string {
  const safe = title.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40) || '对话'
  return `${safe}.md`
}

/** One stored conversation as Markdown, AI label under every answer; null when it is gone. */
export function conversationText(id: string, label: string): string | null {
  const conversation = loadConversation(id)
  return conversation ? conversationMarkdown(conversation, label, new Date()) : null
}

/** Puts the conversation on the clipboard; resolves whether it was copied. */
export async function exportToClipboard(id: string, label: string): Promise<boolean> {
  const text = conversationText(id, label)
  return text !== null && copyText(text, '对话已复制')
}

/**
 * Writes the conversation to a Markdown file in the app's own folder and offers to send it (a file
 * in a chat is how a user takes it out of WeChat). Resolves the file's path.
 * @throws Error with a Chinese message when it could not be written.
 */
export function exportToFile(id: string, title: string, label: string): Promise<string> {
  const text = conversationText(id, label)
  if (text === null) return Promise.reject(new Error('对话不存在'))
  const path = `${wx.env.USER_DATA_PATH}/${fileName(title)}`
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().writeFile({
      filePath: path,
      data: text,
      encoding: 'utf8',
      success: () => {
        if (typeof wx.shareFileMessage === 'function')
          wx.shareFileMessage({ filePath: path, fileName: fileName(title) })
        resolve(path)
      },
      fail: () => reject(new Error('保存文件失败，请检查存储空间')),
    })
  })
}
