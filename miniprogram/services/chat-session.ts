import { answerIds, newGenerationId, newId } from '../lib/chat/ids'
import {
  type ChatAction,
  type ChatRequestPlan,
  type Conversation,
  createConversation,
  lastUserIndex,
  type MessageImage,
  planChatRequest,
  reduceConversation,
  streamingMessage,
  uploadedActions,
} from '../lib/chat/index'
import { RECOVERED_MESSAGE, recoverStored } from '../lib/chat/recover'
import type { ReportReason } from '../lib/review/report'
import type { ChatUpdate } from '../lib/stream/index'
import {
  ChatViewModel,
  createFlushScheduler,
  type FlushScheduler,
  type Patch,
  splitPatch,
} from '../lib/view/index'
import { sendReport, shareRating } from './feedback'
import { type GenerationHandle, startGeneration } from './generation'
import { uploadPhotosFirst } from './photo-uploads'
import { canStream } from './platform'
import { loadSettings } from './settings'
import { loadConversation, notifySaveResult, saveConversation } from './storage'
import { toast } from './ui'

/** Sessions alive in this app, so App.onHide can save every partial answer. */
const live = new Set<ChatSession>()

/** Saves the partial answers of all live sessions (App.onHide: WeChat may kill the app next). */
export function persistAllSessions(): void {
  for (const session of live) session.persist()
}

/**
 * One open conversation on the chat page: user actions go through the lib/chat reducer, the
 * answer through the chat client, and every state reaches the page as merged, path-based patches
 * from one view model (lib/view). It also saves: when a question is sent, when an answer ends,
 * and when the app or page is hidden (WeChat may kill it then).
 */
export class ChatSession {
  conversation: Conversation
  private readonly model = new ChatViewModel()
  private readonly scheduler: FlushScheduler
  private request: GenerationHandle | null = null
  private readonly onAppHide = () => this.hide()
  private readonly onAppShow = () => this.show()

  constructor(private readonly render: (patch: Patch) => void) {
    this.scheduler = createFlushScheduler(() => this.flush(), {
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    })
    this.conversation = createConversation(newId('c'), Date.now())
    live.add(this)
    if (typeof wx.onAppHide === 'function') wx.onAppHide(this.onAppHide)
    if (typeof wx.onAppShow === 'function') wx.onAppShow(this.onAppShow)
  }

  /** True while an answer streams. */
  get streaming(): boolean {
    return streamingMessage(this.conversation) !== undefined
  }

  /**
   * Opens a stored conversation (or a new one when `id` is missing or unknown). An answer that was
   * still being generated when it was left (or when WeChat killed the app) is reattached to; the
   * conversation being left keeps its own generation running on the relay.
   */
  open(id?: string): void {
    this.detach()
    const stored = id ? loadConversation(id) : null
    this.conversation = stored ? recoverStored(stored) : createConversation(newId('c'), Date.now())
    this.model.reset()
    this.model.apply(this.conversation)
    this.scheduler.flushNow()
    const answer = streamingMessage(this.conversation)
    if (answer?.generationId) this.runGeneration(answer.id, answer.generationId, answer.lastEventId ?? '')
  }

  /** Sends `text` as a new user message. Returns false when it cannot be sent now. */
  send(text: string, images: MessageImage[] = []): boolean {
    if (this.streaming || (text.trim() === '' && images.length === 0)) return false
    return this.act({ type: 'send', text, images, userId: newId('u'), ...answerIds(), now: Date.now() }, true)
  }

  /** Replaces the last user message and answers it again. */
  edit(text: string): boolean {
    return this.act({ type: 'edit', text, ...answerIds(), now: Date.now() }, true)
  }

  /** Answers the last user message again (after a finished answer or a failure). */
  regenerate(): boolean {
    return this.act({ type: 'regenerate', ...answerIds(), now: Date.now() }, true)
  }

  /** Carries on a cut answer. */
  continueAnswer(): boolean {
    return this.act({ type: 'continue', generationId: newGenerationId(), now: Date.now() }, true)
  }

  /** Stops the streaming answer (and its generation on the relay); its partial text stays. */
  stop(): void {
    // Mark it stopped first: an `aborted` error the client may report afterwards is then stale.
    this.act({ type: 'stop', now: Date.now() }, false)
    const request = this.request
    this.request = null
    request?.stop()
    this.persist()
  }

  /** The text of the last user message (what 编辑 puts back into the input). */
  lastQuestion(): string | undefined {
    return this.conversation.messages[lastUserIndex(this.conversation)]?.content
  }

  /** The answer text of message `index`, for copying. */
  messageText(index: number): string | undefined {
    return this.conversation.messages[index]?.content
  }

  /** 👍 / 👎 on answer `index` (again: taken back); the relay hears of a new rating. */
  rate(index: number, rating: 'up' | 'down'): void {
    const answer = this.conversation.messages[index]
    if (!answer || !this.act({ type: 'rate', messageId: answer.id, rating, now: Date.now() }, false)) return
    this.persist()
    if (answer.feedback !== rating) shareRating(answer, rating)
  }

  /**
   * Reports answer `index` (its text goes as evidence); it is marked reported once the relay took it.
   * @throws Error with a Chinese message when the report could not be delivered.
   */
  async report(index: number, reason: ReportReason, note: string): Promise<void> {
    const answer = this.conversation.messages[index]
    if (!answer) return
    await sendReport(answer, reason, note)
    if (this.act({ type: 'reported', messageId: answer.id, now: Date.now() }, false)) this.persist()
  }

  /** Hides answer `index` for good (its text is dropped). */
  hideAnswer(index: number): void {
    const answer = this.conversation.messages[index]
    if (answer && this.act({ type: 'hide', messageId: answer.id, now: Date.now() }, false)) this.persist()
  }

  /** Expands or collapses the reasoning panel of message `index`. */
  toggleReasoning(index: number): void {
    this.model.toggleReasoning(index)
    this.scheduler.flushNow()
  }

  /** The page was hidden: stop rendering, save the partial answer now (the app may be killed). */
  hide(): void {
    this.scheduler.hide()
    if (this.streaming) this.persist()
  }

  /** The page is visible again: render everything that arrived meanwhile. */
  show(): void {
    this.refresh()
    this.scheduler.show()
  }

  /** Saves the conversation (once it has messages) and tells the user what had to be trimmed. */
  persist(): void {
    if (this.conversation.messages.length === 0) return
    try {
      notifySaveResult(saveConversation(this.conversation))
    } catch (error) {
      toast(error instanceof Error ? error.message : '保存失败')
    }
  }

  /** The page goes away: save and release (a streaming answer goes on on the relay). */
  dispose(): void {
    this.detach()
    this.scheduler.dispose()
    live.delete(this)
    if (typeof wx.offAppHide === 'function') wx.offAppHide(this.onAppHide)
    if (typeof wx.offAppShow === 'function') wx.offAppShow(this.onAppShow)
  }

  /**
   * Picks up what the conversations page changed while this page was hidden: a rename is
   * adopted, and a deleted conversation is replaced by a new one — otherwise the next save
   * would undo the rename or bring the deleted conversation back.
   */
  private refresh(): void {
    const current = this.conversation
    if (this.streaming || current.messages.length === 0) return
    const stored = loadConversation(current.id)
    if (!stored) {
      this.open()
      return
    }
    if (stored.title === current.title && stored.titleEdited === current.titleEdited) return
    this.setConversation({ ...current, title: stored.title, titleEdited: stored.titleEdited })
    this.scheduler.flushNow()
  }

  private act(action: ChatAction, startsAnswer: boolean): boolean {
    let next: Conversation
    try {
      next = reduceConversation(this.conversation, action)
    } catch (error) {
      if (error instanceof RangeError) {
        toast(error.message)
        return false
      }
      throw error
    }
    this.setConversation(next)
    this.scheduler.flushNow()
    if (startsAnswer) {
      // The question is saved before any answer byte: WeChat may kill the app at any moment.
      this.persist()
      this.startAnswer()
    }
    return true
  }

  private setConversation(next: Conversation): void {
    this.conversation = next
    this.model.apply(next)
  }

  private startAnswer(): void {
    const answer = streamingMessage(this.conversation)
    if (answer?.generationId) this.runGeneration(answer.id, answer.generationId)
  }

  /** Starts generation `generationId` for answer `messageId`, or reattaches to it after `resumeFrom`. */
  private runGeneration(messageId: string, generationId: string, resumeFrom?: string): void {
    const plan = planChatRequest(this.conversation, loadSettings(), canStream())
    if (resumeFrom === undefined && plan.uploads.length > 0) {
      this.uploadThenRun(messageId, generationId, plan)
      return
    }
    if (plan.notice && resumeFrom === undefined) toast(plan.notice)
    try {
      this.request = startGeneration({
        relayUrl: plan.relayUrl,
        body: plan.body,
        token: plan.token,
        streaming: plan.streaming,
        generationId,
        ...(resumeFrom !== undefined ? { resumeFrom, lostMessage: RECOVERED_MESSAGE } : {}),
        onUpdate: (update) => this.onUpdate(messageId, update),
        onReconnecting: (on) => {
          this.model.setReconnecting(on ? messageId : null)
          this.scheduler.request()
        },
      })
    } catch (error) {
      const message = error instanceof Error ? error.message : '请求失败'
      this.onUpdate(messageId, { type: 'error', message, code: 'network' })
    }
  }

  /** The photos go to the relay first; their upload ids are recorded, then the generation starts. */
  private uploadThenRun(messageId: string, generationId: string, plan: ChatRequestPlan): void {
    this.request = uploadPhotosFirst(plan, {
      current: (handle) => this.request === handle,
      uploaded: (uploaded) => {
        for (const action of uploadedActions(this.conversation, uploaded, Date.now())) this.act(action, false)
        this.persist()
        this.runGeneration(messageId, generationId)
      },
      failed: (message) => this.onUpdate(messageId, { type: 'error', code: 'upload_failed', message }),
      stopped: () => this.onUpdate(messageId, { type: 'error', code: 'aborted', message: '已停止生成' }),
    })
  }

  private onUpdate(messageId: string, update: ChatUpdate): void {
    const next = reduceConversation(this.conversation, { type: 'update', messageId, update, now: Date.now() })
    if (next === this.conversation) return
    this.setConversation(next)
    if (update.type === 'delta') {
      this.scheduler.request()
      return
    }
    this.request = null
    this.persist()
    this.scheduler.flushNow()
  }

  /** Saves a streaming answer as it stands and lets its generation go on without this page. */
  private detach(): void {
    if (this.streaming) this.persist()
    const request = this.request
    this.request = null
    request?.detach()
  }

  private flush(): void {
    const patch = this.model.flush()
    if (!patch) return
    // Normally one setData; a burst bigger than PATCH_MAX_CHARS goes as several small ones.
    for (const piece of splitPatch(patch)) this.render(piece)
  }
}
