/** @jest-environment jsdom */
import { deleteConversation, loadConversation, saveConversation } from '../../miniprogram/services/storage'
import { loadTranscript } from '../fixtures/transcripts/index'
import { find, sleep, tap, texts, unmountAll, waitFor } from '../support/simulate'
import {
  type ChatWorld,
  createWorld,
  lastAnswer,
  lastStatus,
  mountChat,
  recordSetData,
  sendText,
  settled,
} from './chat-harness'

jest.setTimeout(60_000)

describe('chat page: state, persistence, scrolling, theme', () => {
  let world: ChatWorld
  afterEach(() => {
    unmountAll()
    world.wx.uninstall()
  })

  test('empty state, send disabled until there is text', async () => {
    world = createWorld()
    const page = mountChat()
    expect(find(page, '.empty-state >>> .prompt')).toBeTruthy()
    const input = () => find(page, '.chat-input')!
    expect(input().data.canSend).toBe(false)
    tap(page, '.chat-input >>> .btn-send')
    await sleep(10)
    expect(world.chatCalls()).toHaveLength(0)
    expect(texts(page, '.chat-message >>> .bubble')).toEqual([])
    find(page, '.chat-input >>> .input')?.dispatchEvent('input', { detail: { value: '   ' } })
    await sleep(5)
    expect(input().data.canSend).toBe(false)
    find(page, '.chat-input >>> .input')?.dispatchEvent('input', { detail: { value: '你好' } })
    await sleep(5)
    expect(input().data.canSend).toBe(true)
  })

  test('a suggested prompt sends it; the conversations page can ask to open another conversation', async () => {
    world = createWorld()
    const page = mountChat()
    tap(page, '.empty-state >>> .prompt')
    await sleep(10)
    expect(texts(page, '.chat-message >>> .bubble')).toHaveLength(1)
    await settled(page)
    expect(page.data.title).toBe(texts(page, '.chat-message >>> .bubble')[0]!.slice(0, 20))
    const firstId = page.data.conversationId as string
    // Conversations page: "new chat", then back.
    world.wx.storage.set('ui:open', JSON.stringify({ id: '' }))
    page.triggerPageLifeTime('show')
    await sleep(10)
    expect(page.data.messages).toHaveLength(0)
    expect(page.data.empty).toBe(true)
    // Open the first one again.
    world.wx.storage.set('ui:open', JSON.stringify({ id: firstId }))
    page.triggerPageLifeTime('show')
    await sleep(10)
    expect(page.data.conversationId).toBe(firstId)
    expect(texts(page, '.chat-message >>> .bubble')).toHaveLength(1)
    expect(world.wx.storage.has('ui:open')).toBe(false)
  })

  test('a rename or delete made on the conversations page is picked up when the chat page shows', async () => {
    world = createWorld()
    const page = mountChat()
    await sendText(page, '原来的问题')
    await settled(page)
    const id = page.data.conversationId as string
    // The list page renames it while the chat page is hidden.
    page.triggerPageLifeTime('hide')
    const stored = loadConversation(id)!
    saveConversation({ ...stored, title: '新名字', titleEdited: true })
    page.triggerPageLifeTime('show')
    await waitFor(() => page.data.title === '新名字', 'the new title')
    // A later save keeps the rename.
    await sendText(page, '再问一句')
    await settled(page)
    expect(loadConversation(id)?.title).toBe('新名字')
    // The list page deletes it: the chat page starts afresh and never saves it back.
    page.triggerPageLifeTime('hide')
    deleteConversation(id)
    page.triggerPageLifeTime('show')
    await waitFor(() => page.data.empty === true, 'a new conversation')
    expect(page.data.conversationId).not.toBe(id)
    expect(loadConversation(id)).toBeNull()
  })

  test('persistence: done conversation reloads; a kill mid-stream keeps the partial answer', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('openai-basic'), chunkSizes: 'random' }
    world.answers.push({ body: loadTranscript('markdown-long'), chunkSizes: 800, delayMs: 15 })
    const page = mountChat()
    await sendText(page, '第一个问题')
    await settled(page)
    const firstAnswer = lastAnswer(page)
    await sendText(page, '第二个问题')
    await waitFor(() => lastAnswer(page).length > 30, 'partial text')
    // The app goes to the background mid-stream: WeChat may kill it now.
    world.wx.hideApp()
    page.triggerPageLifeTime('hide')
    const snapshot = new Map(world.wx.storage)
    const partial = page.data.messages.length
    expect(partial).toBe(4)
    // Nothing renders while hidden.
    const calls = recordSetData(page)
    await sleep(100)
    expect(calls.filter((patch) => Object.keys(patch).some((k) => k.startsWith('messages')))).toHaveLength(0)
    page.detach()
    world.wx.uninstall()

    // A new process: only storage survived.
    world = createWorld({}, snapshot)
    const reborn = mountChat()
    expect(texts(reborn, '.chat-message >>> .bubble')).toEqual(['第一个问题', '第二个问题'])
    expect(texts(reborn, '.chat-message >>> .answer')[0]).toBe(firstAnswer)
    expect(lastAnswer(reborn).length).toBeGreaterThan(10)
    // It reattaches to the answer's generation from the last event shown; this relay double has
    // no generations (404), so the answer ends interrupted with what was saved.
    await waitFor(() => lastStatus(reborn) !== 'streaming', 'the reattach to give up')
    const reattach = world.double.calls.find((call) => call.options.url.includes('/v1/generations/'))
    expect(reattach?.options.method).toBe('GET')
    expect(reattach?.options.header).toMatchObject({ 'Last-Event-ID': '0' })
    for (const call of world.double.calls) {
      expect(call.options.url).toMatch(
        /^http:\/\/127\.0\.0\.1:8787\/(auth\/wx-login|v1\/app-info|v1\/generations\/g[\w-]+\/stream)$/,
      )
    }
    expect(lastStatus(reborn)).toBe('interrupted')
    expect(find(reborn, '.message-actions >>> .action-continue')).toBeTruthy()
  })

  test('the question is stored as soon as it is sent, before any answer byte (a kill loses nothing)', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('openai-basic'), stallBeforeHeaders: true }
    const page = mountChat()
    await sendText(page, '还没回答就被杀掉')
    expect(page.data.streaming).toBe(true)
    const snapshot = new Map(world.wx.storage)
    page.detach()
    world.wx.uninstall()

    world = createWorld({}, snapshot)
    const reborn = mountChat()
    expect(texts(reborn, '.chat-message >>> .bubble')).toEqual(['还没回答就被杀掉'])
    await waitFor(() => lastStatus(reborn) !== 'streaming', 'the reattach to give up')
    expect(lastStatus(reborn)).toBe('error')
    expect(find(reborn, '.message-actions >>> .action-retry')).toBeTruthy()
  })

  test('hidden page: no setData while hidden, everything that arrived is shown on show', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('markdown-long'), chunkSizes: 1200, delayMs: 5 }
    const page = mountChat()
    await sendText(page, '长回答')
    await waitFor(() => lastAnswer(page).length > 10, 'text')
    page.triggerPageLifeTime('hide')
    const calls = recordSetData(page)
    const shownWhileHidden = lastAnswer(page)
    await sleep(1000)
    expect(calls).toHaveLength(0)
    expect(lastAnswer(page)).toBe(shownWhileHidden)
    page.triggerPageLifeTime('show')
    await waitFor(() => calls.length > 0, 'a flush on show')
    await settled(page)
    expect(lastAnswer(page).length).toBeGreaterThan(shownWhileHidden.length)
  })

  test('auto-scroll follows only at the bottom; 回到底部 brings it back', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('markdown-long'), chunkSizes: 600, delayMs: 15 }
    const page = mountChat()
    await sendText(page, '长回答')
    await waitFor(() => lastAnswer(page).length > 20, 'text')
    const follow = page.data.scrollIntoView
    await waitFor(() => page.data.scrollIntoView !== follow, 'auto-scroll while at the bottom')
    const list = page.querySelector('.list')!
    list.dispatchEvent('scroll', { detail: { scrollTop: 900, scrollHeight: 3000, deltaY: -10 } })
    list.dispatchEvent('scroll', { detail: { scrollTop: 400, scrollHeight: 3000, deltaY: 500 } })
    await waitFor(() => page.data.showToBottom === true, 'the 回到底部 button')
    const held = page.data.scrollIntoView
    const length = lastAnswer(page).length
    await waitFor(() => lastAnswer(page).length > length + 20, 'more text')
    expect(page.data.streaming).toBe(true)
    expect(page.data.scrollIntoView).toBe(held)
    tap(page, '.to-bottom')
    await waitFor(() => page.data.showToBottom === false, 'the button to go')
    expect(page.data.scrollIntoView).not.toBe(held)
    // Back at the bottom: following resumes.
    const resumed = page.data.scrollIntoView
    await waitFor(() => page.data.scrollIntoView !== resumed, 'auto-scroll to resume')
    // Reaching the bottom by hand also resumes following.
    list.dispatchEvent('scroll', { detail: { scrollTop: 100, scrollHeight: 3000, deltaY: 900 } })
    await waitFor(() => page.data.showToBottom === true, 'the button again')
    list.dispatchEvent('scrolltolower', { detail: { direction: 'bottom' } })
    await waitFor(() => page.data.showToBottom === false, 'scrolltolower to hide the button')
    tap(page, '.chat-input >>> .btn-stop')
    await sleep(10)
  })

  test('content shrinking at the bottom (panel collapsing) is not a scroll up: following goes on', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('markdown-long'), chunkSizes: 600, delayMs: 15 }
    const page = mountChat()
    await sendText(page, '长回答')
    await waitFor(() => lastAnswer(page).length > 20, 'text')
    const list = page.querySelector('.list')!
    list.dispatchEvent('scroll', { detail: { scrollTop: 900, scrollHeight: 1500, deltaY: 0 } })
    // The browser clamped scrollTop by exactly what the content lost.
    list.dispatchEvent('scroll', { detail: { scrollTop: 780, scrollHeight: 1380, deltaY: 120 } })
    const before = page.data.scrollIntoView
    await waitFor(() => page.data.scrollIntoView !== before, 'auto-scroll to go on after the shrink')
    expect(page.data.showToBottom).toBe(false)
    await settled(page)
    expect(page.data.showToBottom).toBe(false)
    expect(find(page, '.to-bottom')).toBeFalsy()
  })

  test('dark mode: theme class from the system, follows theme changes', async () => {
    let themeListener: ((res: { theme: string }) => void) | undefined
    world = createWorld({
      getSystemInfoSync: () => ({ SDKVersion: '3.6.0', platform: 'devtools', theme: 'dark' }),
      onThemeChange: (cb: (res: { theme: string }) => void) => {
        themeListener = cb
      },
    })
    const page = mountChat()
    expect(page.querySelector('.theme-dark')).toBeTruthy()
    themeListener?.({ theme: 'light' })
    await sleep(5)
    expect(page.querySelector('.theme-light')).toBeTruthy()
    expect(page.querySelector('.theme-dark')).toBeFalsy()
  })

  test.each([
    ['canIUse says no', { canIUse: () => false }],
    ['SDK 2.19.4', { getSystemInfoSync: () => ({ SDKVersion: '2.19.4', theme: 'light' }) }],
  ])('old base library (%s) falls back to a non-streaming request', async (_name, extra) => {
    world = createWorld(extra)
    world.answers[0] = {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: '**你好**！' }, finish_reason: 'stop' }],
      }),
    }
    const page = mountChat()
    await sendText(page, '你好')
    await settled(page)
    const request = world.chatCalls()[0]!
    expect(request.options.enableChunked).toBeFalsy()
    expect(request.json).toMatchObject({ stream: false })
    expect(lastAnswer(page)).toBe('你好！')
    expect(find(page, '.md-block >>> .md-bold')).toBeTruthy()
  })
})
