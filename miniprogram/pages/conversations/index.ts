import { themeBehavior } from '../../behaviors/theme'
import { formatRelativeTime } from '../../lib/chat/index'
import {
  deleteConversation,
  listConversations,
  loadConversation,
  renameConversation,
} from '../../services/storage'
import { confirm, goBack, promptText, requestOpen, toast } from '../../services/ui'

/** One row of the list, ready to render. */
interface Row {
  id: string
  title: string
  time: string
  preview: string
}

function rows(now: number): Row[] {
  return listConversations().map((summary) => ({
    id: summary.id,
    title: summary.title,
    time: formatRelativeTime(summary.updatedAt, now),
    preview: summary.preview,
  }))
}

function idOf(event: WechatMiniprogram.TouchEvent): string {
  return String((event.currentTarget.dataset as { id?: string }).id ?? '')
}

/**
 * Conversation list, newest first: open, new, rename, delete (confirmed).
 * Opening hands the id to the chat page (services/ui requestOpen) and goes back.
 */
Component({
  behaviors: [themeBehavior],
  properties: {},
  data: {
    items: [] as Row[],
  },
  lifetimes: {
    attached() {
      this._refresh()
    },
  },
  pageLifetimes: {
    show() {
      this._refresh()
    },
  },
  methods: {
    _refresh() {
      this.setData({ items: rows(Date.now()) })
    },
    onNew() {
      requestOpen('')
      goBack()
    },
    onOpen(event: WechatMiniprogram.TouchEvent) {
      requestOpen(idOf(event))
      goBack()
    },
    onRename(event: WechatMiniprogram.TouchEvent) {
      const conversation = loadConversation(idOf(event))
      if (!conversation) return
      promptText('重命名对话', conversation.title).then((title) => {
        if (title === null) return
        try {
          renameConversation(conversation.id, title)
        } catch (error) {
          toast(error instanceof Error ? error.message : '重命名失败')
          return
        }
        this._refresh()
      })
    },
    onDelete(event: WechatMiniprogram.TouchEvent) {
      const id = idOf(event)
      confirm('删除对话', '删除后无法恢复，确定删除吗？', '删除').then((ok) => {
        if (!ok) return
        deleteConversation(id)
        this._refresh()
      })
    },
  },
})
