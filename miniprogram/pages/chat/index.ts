import { themeBehavior } from '../../behaviors/theme'
import type { MessageImage } from '../../lib/chat/index'
import type { AppInfo } from '../../lib/review/app-info'
import { consentFor } from '../../lib/review/consent'
import { serviceView } from '../../lib/review/service-view'
import {
  createFollowState,
  type FollowState,
  followScroll,
  type Patch,
  resumeFollowing,
} from '../../lib/view/index'
import { currentAppInfo, refreshAppInfo } from '../../services/app-info'
import { ChatSession } from '../../services/chat-session'
import { loadConsent, saveConsent } from '../../services/consent'
import { chooseImages, MAX_IMAGES, previewImages, removeImageFiles } from '../../services/media'
import { reportAnswer } from '../../services/report-flow'
import { loadSettings } from '../../services/settings'
import { listConversations } from '../../services/storage'
import { copyAiText, navigate, setTitle, takeOpenRequest, toast } from '../../services/ui'

/** What lives beside the page data: never rendered, so never sent through setData. */
interface ChatPageState {
  session: ChatSession
  /** Photos picked for the next question (the page data holds only their paths). */
  attachments: MessageImage[]
  /** The relay's service information (label, models, agreement versions). */
  info: AppInfo
  /** Auto-scroll follows the stream only while the user stays at the bottom (lib/view/follow). */
  follow: FollowState
  /** Alternates between the two bottom anchors: scroll-into-view only scrolls when its value changes. */
  anchor: number
}

const states = new WeakMap<object, ChatPageState>()

function stateOf(page: object): ChatPageState {
  const state = states.get(page)
  if (!state) throw new Error('chat page not attached')
  return state
}

/** Patches that touch the message list should follow the stream to the bottom. */
function touchesMessages(patch: Patch): boolean {
  return Object.keys(patch).some((key) => key.startsWith('messages'))
}

/**
 * The chat page (home). Thin: user events go to a ChatSession
 * (services/chat-session), which sends back merged path-based patches.
 */
Component({
  behaviors: [themeBehavior],
  properties: {},
  data: {
    messages: [] as unknown[],
    streaming: false,
    empty: true,
    lastUserIndex: -1,
    title: '新对话',
    conversationId: '',
    /** What the input bar should hold (it owns the draft; `draftVersion` makes a repeat apply). */
    draft: '',
    draftVersion: 0,
    editing: false,
    showToBottom: false,
    scrollIntoView: '',
    /** The explicit label under every answer. */
    aiLabel: '',
    /** File paths of the photos picked for the next question. */
    attachments: [] as string[],
    /** The active model takes photos: 📷 is offered. */
    canAttach: false,
    /** The active model and its filing number, under the input (reviewers look for it there). */
    modelLine: '',
    serviceName: '',
    /** The agreement must be accepted (again) before anything is sent. */
    consentNeeded: false,
    /** The texts have versions (the relay answered): agreeing is possible. */
    consentReady: false,
    /** An earlier version was agreed to. */
    consentUpdated: false,
  },
  lifetimes: {
    attached() {
      const render = (patch: Patch) => this._render(patch)
      const settings = loadSettings()
      const state: ChatPageState = {
        session: new ChatSession(render),
        attachments: [],
        info: currentAppInfo(settings.relayUrl),
        follow: createFollowState(),
        anchor: 0,
      }
      states.set(this, state)
      this._showAppInfo(state.info)
      refreshAppInfo(settings.relayUrl, settings.token).then((info) => this._showAppInfo(info))
      state.session.open(takeOpenRequest() ?? latestId())
    },
    ready() {
      this._measureList()
    },
    detached() {
      const state = states.get(this)
      state?.session.dispose()
      states.delete(this)
    },
  },
  pageLifetimes: {
    show() {
      const state = states.get(this)
      if (!state) return
      const open = takeOpenRequest()
      if (open !== undefined) state.session.open(open || undefined)
      // The title lives only in the navigation bar: put it back in case the runtime reset it meanwhile.
      setTitle(this.data.title)
      // The model or the relay may have changed in 设置 meanwhile.
      this._showAppInfo(currentAppInfo(loadSettings().relayUrl))
      state.session.show()
    },
    hide() {
      states.get(this)?.session.hide()
    },
  },
  methods: {
    /** Page query `?id=` opens that conversation. */
    onLoad(query: Record<string, string | undefined>) {
      if (query.id) stateOf(this).session.open(query.id)
    },
    _render(patch: Patch) {
      const state = stateOf(this)
      if (patch.title !== undefined) setTitle(String(patch.title))
      if (state.follow.following && touchesMessages(patch)) {
        state.anchor = 1 - state.anchor
        patch.scrollIntoView = state.anchor ? 'bottom-b' : 'bottom-a'
      }
      this.setData(patch)
    },
    onSend(event: WechatMiniprogram.CustomEvent<{ text: string }>) {
      this._send(event.detail.text)
    },
    _send(text: string) {
      const noPhotos = stateOf(this).attachments.length === 0
      if ((text.trim() === '' && noPhotos) || this.data.streaming || this.data.consentNeeded) return
      const state = stateOf(this)
      const sent = this.data.editing ? state.session.edit(text) : state.session.send(text, state.attachments)
      if (sent) {
        this._stickToBottom()
        this._setDraft('', false)
        state.attachments = []
        this.setData({ attachments: [] })
      }
    },
    async onAttach() {
      const state = stateOf(this)
      try {
        const picked = await chooseImages(MAX_IMAGES - state.attachments.length)
        if (picked.length === 0) return
        state.attachments = [...state.attachments, ...picked]
        this.setData({ attachments: state.attachments.map((image) => image.path) })
      } catch (error) {
        toast(error instanceof Error ? error.message : '无法添加图片')
      }
    },
    onRemoveImage(event: WechatMiniprogram.CustomEvent<{ index: number }>) {
      const state = stateOf(this)
      const [removed] = state.attachments.splice(event.detail.index, 1)
      if (removed) removeImageFiles([removed.path])
      this.setData({ attachments: state.attachments.map((image) => image.path) })
    },
    onPreviewImage(event: WechatMiniprogram.CustomEvent<{ src: string }>) {
      const message = stateOf(this).session.conversation.messages[indexOf(event)]
      const paths = (message?.images ?? []).map((image) => image.path)
      if (paths.length > 0) previewImages(paths, event.detail.src)
    },
    _setDraft(text: string, editing: boolean) {
      this.setData({ draft: text, draftVersion: this.data.draftVersion + 1, editing })
    },
    onPickPrompt(event: WechatMiniprogram.CustomEvent<{ text: string }>) {
      this._send(event.detail.text)
    },
    onStop() {
      stateOf(this).session.stop()
    },
    onRegenerate() {
      this._stickToBottom()
      stateOf(this).session.regenerate()
    },
    onContinue() {
      this._stickToBottom()
      stateOf(this).session.continueAnswer()
    },
    onEdit() {
      const question = stateOf(this).session.lastQuestion()
      if (question !== undefined) this._setDraft(question, true)
    },
    onCancelEdit() {
      this._setDraft('', false)
    },
    onCopy(event: WechatMiniprogram.CustomEvent) {
      const state = stateOf(this)
      const text = state.session.messageText(indexOf(event))
      if (text) copyAiText(text, state.info.aiLabel)
    },
    onRate(event: WechatMiniprogram.CustomEvent<{ rating: 'up' | 'down' }>) {
      stateOf(this).session.rate(indexOf(event), event.detail.rating)
    },
    onReport(event: WechatMiniprogram.CustomEvent) {
      reportAnswer(stateOf(this).session, indexOf(event))
    },
    _showAppInfo(info: AppInfo) {
      const state = states.get(this)
      if (!state) return
      state.info = info
      this.setData(serviceView(info, loadSettings().model, loadConsent()))
    },
    onAgree() {
      const consent = consentFor(stateOf(this).info)
      if (!consent) return
      saveConsent(consent)
      this.setData({ consentNeeded: false })
    },
    onOpenDoc(event: WechatMiniprogram.CustomEvent<{ doc: string }>) {
      navigate(`/pages/agreement/index?doc=${event.detail.doc}`)
    },
    onShareAppMessage() {
      // Never the conversation: a neutral card for the service.
      return {
        title: `${this.data.serviceName} · AI 问答助手`,
        path: '/pages/chat/index',
        imageUrl: '/assets/share.png',
      }
    },
    onShareTimeline() {
      return { title: `${this.data.serviceName} · AI 问答助手` }
    },
    onToggleReasoning(event: WechatMiniprogram.CustomEvent) {
      stateOf(this).session.toggleReasoning(indexOf(event))
    },
    onScroll(event: WechatMiniprogram.ScrollViewScroll) {
      const detail = event.detail as Partial<WechatMiniprogram.ScrollViewScroll['detail']> | undefined
      const { scrollTop, scrollHeight } = detail ?? {}
      if (typeof scrollTop !== 'number' || typeof scrollHeight !== 'number') return
      const state = stateOf(this)
      const change = followScroll(state.follow, { scrollTop, scrollHeight })
      if (change === 'stop') {
        this.setData({ showToBottom: true })
        // The list may have changed height (textarea grew, keyboard): measure again for the way back.
        this._measureList()
      } else if (change === 'resume') {
        this.setData({ showToBottom: false })
      }
    },
    onScrollToLower() {
      const state = stateOf(this)
      if (state.follow.following) return
      resumeFollowing(state.follow)
      this.setData({ showToBottom: false })
    },
    /** The list's viewport height (scroll events lack it): lets scrolling back down resume following. */
    _measureList() {
      this.createSelectorQuery()
        .select('.list')
        .boundingClientRect((rect) => {
          const state = states.get(this)
          const height = (rect as { height?: number } | null)?.height
          if (state && typeof height === 'number' && height > 0) state.follow.viewport = height
        })
        .exec()
    },
    onToBottom() {
      this._stickToBottom()
    },
    _stickToBottom() {
      const state = stateOf(this)
      resumeFollowing(state.follow)
      state.anchor = 1 - state.anchor
      this.setData({ showToBottom: false, scrollIntoView: state.anchor ? 'bottom-b' : 'bottom-a' })
    },
    onNewChat() {
      if (this.data.streaming) stateOf(this).session.stop()
      stateOf(this).session.open()
      this._setDraft('', false)
    },
    onOpenList() {
      navigate('/pages/conversations/index')
    },
    onOpenSettings() {
      navigate('/pages/settings/index')
    },
  },
})

/** The message index a list item's event carries (`data-index`). */
function indexOf(event: { currentTarget: { dataset: unknown } }): number {
  return Number((event.currentTarget.dataset as { index?: number }).index)
}

/** The most recent conversation: the chat page reopens it on launch. */
function latestId(): string | undefined {
  return listConversations()[0]?.id
}
