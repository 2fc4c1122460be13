/** @jest-environment jsdom */
import { CONTINUE_PROMPT } from '../../miniprogram/lib/chat/index'
import { loadTranscript } from '../fixtures/transcripts/index'
import { all, find, sleep, tap, textOf, texts, unmountAll, waitFor } from '../support/simulate'
import {
  type ChatWorld,
  createWorld,
  decodedContent,
  flat,
  lastAnswer,
  lastStatus,
  mountChat,
  recordSetData,
  sendText,
  settled,
} from './chat-harness'

jest.setTimeout(60_000)

describe('chat page: streaming answers', () => {
  let world: ChatWorld
  afterEach(() => {
    unmountAll()
    world.wx.uninstall()
  })

  test('send → user bubble, typing indicator, answer grows in several steps through path updates → done', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('markdown-long'), chunkSizes: 1500, delayMs: 3 }
    const page = mountChat()
    const calls = recordSetData(page)
    await sendText(page, '介绍一下 TypeScript')
    expect(texts(page, '.chat-message >>> .bubble')).toEqual(['介绍一下 TypeScript'])
    expect(page.data.streaming).toBe(true)
    expect(find(page, '.chat-input >>> .btn-stop')).toBeTruthy()
    expect(find(page, '.chat-message >>> .typing-indicator >>> .dot')).toBeTruthy()
    const seen = new Set<number>()
    while (page.data.streaming) {
      seen.add(lastAnswer(page).length)
      await sleep(8)
    }
    await settled(page)
    const expected = decodedContent('markdown-long').content
    expect(seen.size).toBeGreaterThanOrEqual(4)
    expect(lastStatus(page)).toBe('done')
    expect(flat(lastAnswer(page)).length).toBeGreaterThan(flat(expected).length * 0.8)
    expect(all(page, '.md-block >>> .md-table-scroll').length).toBeGreaterThan(0)
    expect(all(page, '.md-block >>> .md-codeblock').length).toBeGreaterThan(0)
    // Request: streaming POST to the relay with the user message.
    const request = world.chatCalls()[0]!
    expect(request.options.enableChunked).toBe(true)
    expect(request.json).toMatchObject({
      stream: true,
      messages: [{ role: 'user', content: '介绍一下 TypeScript' }],
    })
    // setData discipline: the list is never resent whole after the first render, every patch is small.
    const streamingCalls = calls.slice(1)
    expect(streamingCalls.every((patch) => !('messages' in patch))).toBe(true)
    const sizes = calls.map((patch) => JSON.stringify(patch).length)
    expect(Math.max(...sizes.slice(2))).toBeLessThan(4096)
    expect(find(page, '.message-actions >>> .action-regenerate')).toBeTruthy()
    expect(find(page, '.message-actions >>> .action-copy')).toBeTruthy()
    tap(page, '.message-actions >>> .action-copy')
    await sleep(10)
    // Copied AI text carries the AI label as its own last line.
    expect(world.wx.recorded.setClipboardData?.[0]).toMatchObject({ data: `${expected}\n\n——内容由 AI 生成` })
  })

  test('stop keeps the partial answer, aborts the request and offers 继续', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('markdown-long'), chunkSizes: 600, delayMs: 15 }
    const page = mountChat()
    await sendText(page, '写长一点')
    await waitFor(() => lastAnswer(page).length > 20, 'some text')
    tap(page, '.chat-input >>> .btn-stop')
    await sleep(10)
    expect(lastStatus(page)).toBe('stopped')
    expect(page.data.streaming).toBe(false)
    expect(world.chatCalls()[0]!.aborted).toBe(true)
    const partial = lastAnswer(page)
    await sleep(80)
    expect(lastAnswer(page)).toBe(partial)
    expect(find(page, '.message-actions >>> .action-continue')).toBeTruthy()
    expect(find(page, '.chat-input >>> .btn-send')).toBeTruthy()
    // 继续: the same message streams on, the request carries the partial text and the continue prompt.
    world.answers.push({ body: loadTranscript('openai-basic'), chunkSizes: 'random' })
    tap(page, '.message-actions >>> .action-continue')
    await sleep(10)
    await settled(page)
    expect(page.data.messages).toHaveLength(2)
    expect(lastAnswer(page).startsWith(partial.slice(0, 10))).toBe(true)
    expect(lastAnswer(page).length).toBeGreaterThan(partial.length)
    const sent = (world.chatCalls()[1]!.json as { messages: { role: string; content: string }[] }).messages
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(sent[2]!.content).toBe(CONTINUE_PROMPT)
  })

  test('regenerate replaces the last answer with a new one', async () => {
    world = createWorld()
    world.answers.push({ body: loadTranscript('moonshot'), chunkSizes: 'random' })
    const page = mountChat()
    await sendText(page, '你好')
    await settled(page)
    const first = lastAnswer(page)
    tap(page, '.message-actions >>> .action-regenerate')
    await sleep(10)
    await settled(page)
    expect(world.chatCalls()).toHaveLength(2)
    expect(page.data.messages).toHaveLength(2)
    expect(lastAnswer(page)).not.toBe(first)
    expect(flat(lastAnswer(page))).toContain(flat(decodedContent('moonshot').content).slice(0, 10))
    expect(world.chatCalls()[1]!.json).toMatchObject({ messages: [{ role: 'user', content: '你好' }] })
  })

  test('edit & resend on the last user message', async () => {
    world = createWorld()
    const page = mountChat()
    await sendText(page, '第一版问题')
    await settled(page)
    tap(page, '.message-actions >>> .action-edit')
    await sleep(10)
    // The question is back in the input bar's own draft (what its textarea shows).
    expect(find(page, '.chat-input')?.data.draft).toBe('第一版问题')
    expect(page.data.editing).toBe(true)
    await sendText(page, '第二版问题')
    await settled(page)
    expect(texts(page, '.chat-message >>> .bubble')).toEqual(['第二版问题'])
    expect(page.data.messages).toHaveLength(2)
    const messages = (world.chatCalls()[1]!.json as { messages: { content: string }[] }).messages
    expect(messages[messages.length - 1]!.content).toBe('第二版问题')
  })

  test('error inline with the readable message, retry succeeds', async () => {
    world = createWorld()
    world.answers[0] = {
      status: 429,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: { message: 'slow down', type: 'rate_limit', code: 'rate_limited' } }),
    }
    world.answers.push({ body: loadTranscript('openai-basic'), chunkSizes: 'random' })
    const page = mountChat()
    await sendText(page, '问题')
    await settled(page)
    expect(lastStatus(page)).toBe('error')
    const message = textOf(page, '.chat-message >>> .error-text')
    expect(message).not.toBe('')
    expect(message).toMatch(/[\u4e00-\u9fa5]/)
    tap(page, '.message-actions >>> .action-retry')
    await sleep(10)
    await settled(page)
    expect(lastStatus(page)).toBe('done')
    expect(find(page, '.chat-message >>> .error-text')).toBeFalsy()
    expect(flat(lastAnswer(page))).toContain(flat(decodedContent('openai-basic').content).slice(0, 8))
  })

  test('a broken stream keeps the partial answer with 继续 and 重试', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('cut-stream'), chunkSizes: 'random' }
    const page = mountChat()
    await sendText(page, '讲讲历史')
    await settled(page)
    expect(lastStatus(page)).toBe('interrupted')
    expect(lastAnswer(page).length).toBeGreaterThan(0)
    expect(textOf(page, '.chat-message >>> .error-text')).not.toBe('')
    expect(find(page, '.message-actions >>> .action-continue')).toBeTruthy()
    expect(find(page, '.message-actions >>> .action-retry')).toBeTruthy()
    // Saved when the stream broke.
    const id = page.data.conversationId as string
    const stored = JSON.parse(world.wx.storage.get(`conv:${id}`) ?? 'null') as {
      messages: { status: string }[]
    }
    expect(stored.messages[1]!.status).toBe('interrupted')
  })

  test('reasoning panel: 思考中… open, collapsed when the answer starts, then 已深度思考（用时 N 秒）', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('deepseek-reasoner'), chunkSizes: 400, delayMs: 4 }
    const page = mountChat()
    await sendText(page, '9.11 和 9.8 哪个大')
    await waitFor(() => textOf(page, '.reasoning-panel >>> .reasoning-label') !== '', 'reasoning')
    if (lastAnswer(page) === '') {
      expect(textOf(page, '.reasoning-panel >>> .reasoning-label')).toBe('思考中…')
      expect(find(page, '.reasoning-panel >>> .reasoning-body')).toBeTruthy()
    }
    await waitFor(() => lastAnswer(page) !== '', 'the answer to start')
    expect(find(page, '.reasoning-panel >>> .reasoning-body')).toBeFalsy()
    await settled(page)
    expect(textOf(page, '.reasoning-panel >>> .reasoning-label')).toMatch(/^已深度思考（用时 \d+ 秒）$/)
    tap(page, '.reasoning-panel >>> .reasoning-head')
    await sleep(10)
    expect(textOf(page, '.reasoning-panel >>> .reasoning-body')).toContain(
      decodedContent('deepseek-reasoner').reasoning.slice(0, 4),
    )
  })
})
