/** @jest-environment jsdom */
/**
 * What WeChat review looks for on the chat page: the AI label on every answer, consent before the
 * first message, privacy authorization before the clipboard, 👍 / 👎 / 举报, refused questions not
 * kept, and the model with its filing number in view.
 */
import { loadTranscript } from '../fixtures/transcripts/index'
import { all, find, mount, sleep, tap, textOf, texts, unmountAll, waitFor } from '../support/simulate'
import {
  type ChatWorld,
  createWorld,
  lastStatus,
  mountChat,
  sendText,
  settled,
  TEST_APP_INFO,
} from './chat-harness'

jest.setTimeout(60_000)

let world: ChatWorld
afterEach(() => {
  unmountAll()
  world.wx.uninstall()
})

function labels(page: ReturnType<typeof mountChat>): string[] {
  return all(page, '.chat-message').map((m) => textOf(m, '.ai-label'))
}

describe('the AI label', () => {
  test('shows under every answer — streaming, done, stopped, failed — and never under a question', async () => {
    world = createWorld()
    world.answers[0] = { body: loadTranscript('markdown-long'), chunkSizes: 200, delayMs: 5 }
    world.answers.push({
      status: 500,
      body: JSON.stringify({ error: { message: 'boom', code: 'server_error' } }),
    })
    const page = mountChat()
    await sendText(page, '第一个问题')
    await waitFor(
      () => lastStatus(page) === 'streaming' && texts(page, '.chat-message >>> .answer')[0] !== '',
      'text',
    )
    expect(labels(page)).toEqual(['', '内容由 AI 生成'])
    tap(page, '.chat-input >>> .btn-stop')
    await settled(page)
    expect(lastStatus(page)).toBe('stopped')
    expect(labels(page)).toEqual(['', '内容由 AI 生成'])
    await sendText(page, '第二个问题')
    await settled(page)
    expect(lastStatus(page)).toBe('error')
    expect(labels(page)).toEqual(['', '内容由 AI 生成', '', '内容由 AI 生成'])
  })

  test('the active model and its filing number stand under the input', async () => {
    world = createWorld()
    const page = mountChat()
    expect(textOf(page, '.model-line')).toBe('模型：演示模型 · 备案号：Test-Filing-001')
  })
})

describe('consent before the first message', () => {
  test('first run: the gate replaces the input until the user ticks and agrees; the versions are kept', async () => {
    world = createWorld({}, undefined, false)
    const page = mountChat()
    await waitFor(
      () => find(page, '.consent-gate') !== undefined && page.data.consentReady === true,
      'the gate',
    )
    expect(find(page, '.chat-input')).toBeUndefined()
    tap(page, '.consent-gate >>> .consent-agree')
    await sleep(5)
    expect(find(page, '.consent-gate')).toBeTruthy()
    tap(page, '.consent-gate >>> .consent-check')
    tap(page, '.consent-gate >>> .consent-agree')
    await sleep(5)
    expect(find(page, '.consent-gate')).toBeUndefined()
    expect(JSON.parse(world.wx.storage.get('consent') ?? 'null')).toEqual({ agreement: 'v1', privacy: 'v1' })
    await sendText(page, '你好')
    await settled(page)
    expect(world.chatCalls()).toHaveLength(1)
  })

  test('declined: a clear message, nothing can be sent; the texts open on their own page', async () => {
    world = createWorld({}, undefined, false)
    const page = mountChat()
    await waitFor(() => page.data.consentReady === true, 'the texts')
    tap(page, '.consent-gate >>> .consent-decline')
    await sleep(5)
    expect(textOf(page, '.consent-gate >>> .consent-declined')).toContain('需要同意后才能使用')
    tap(page, '.empty-state >>> .prompt')
    await sleep(20)
    expect(world.chatCalls()).toHaveLength(0)
    tap(page, '.consent-gate >>> .consent-link-privacy')
    await sleep(5)
    expect(world.wx.recorded.navigateTo).toEqual([
      expect.objectContaining({ url: '/pages/agreement/index?doc=privacy' }),
    ])
  })

  test('a new version of the agreement asks again', async () => {
    world = createWorld({}, undefined, false)
    world.wx.storage.set('consent', JSON.stringify({ agreement: 'v0', privacy: 'v1' }))
    const page = mountChat()
    await waitFor(() => page.data.consentReady === true, 'the texts')
    expect(textOf(page, '.consent-gate >>> .consent-title')).toBe('用户协议或隐私政策已更新')
  })
})

describe('👍 / 👎 and 举报', () => {
  function feedbackCalls() {
    return world.double.calls.filter((c) => c.options.url.endsWith('/v1/feedback')).map((c) => c.json)
  }

  test('a rating reaches the relay once; tapping it again takes it back', async () => {
    world = createWorld()
    const page = mountChat()
    await sendText(page, '你好')
    await settled(page)
    tap(page, '.message-actions >>> .action-up')
    await sleep(20)
    expect(find(page, '.message-actions >>> .action-on')).toBeTruthy()
    expect(feedbackCalls()).toEqual([
      expect.objectContaining({
        kind: 'up',
        model: 'demo',
        generationId: expect.stringMatching(/^g[\w-]{8,}$/),
      }),
    ])
    expect(feedbackCalls()[0]).not.toHaveProperty('content')
    tap(page, '.message-actions >>> .action-up')
    await sleep(20)
    expect(find(page, '.message-actions >>> .action-on')).toBeUndefined()
    expect(feedbackCalls()).toHaveLength(1)
  })

  test('a report sends the reason, the note and the answer; the user may hide the answer at once', async () => {
    world = createWorld({
      showActionSheet: (o: { success: (r: unknown) => void }) =>
        setTimeout(() => o.success({ tapIndex: 3 }), 0),
      showModal: (o: { editable?: boolean; success: (r: unknown) => void }) =>
        setTimeout(
          () => o.success(o.editable ? { confirm: true, content: '数据明显不对' } : { confirm: true }),
          0,
        ),
    })
    const page = mountChat()
    await sendText(page, '你好')
    await settled(page)
    tap(page, '.message-actions >>> .action-report')
    await waitFor(
      () => textOf(page, '.chat-message >>> .error-text') === '你已隐藏这条回答',
      'the answer hidden',
    )
    const [report] = feedbackCalls() as Record<string, string>[]
    expect(report).toMatchObject({ kind: 'report', reason: 'false', note: '数据明显不对' })
    expect(report?.content).toContain('你好！我是一个AI助手😊。')
    const stored = [...world.wx.storage.values()].join('')
    expect(stored).not.toContain('你好！我是一个AI助手')
    expect(find(page, '.message-actions >>> .action-copy')).toBeUndefined()
  })

  test('a report the relay refuses says so in Chinese and leaves the answer unreported', async () => {
    world = createWorld({
      showActionSheet: (o: { success: (r: unknown) => void }) =>
        setTimeout(() => o.success({ tapIndex: 0 }), 0),
    })
    const page = mountChat()
    await sendText(page, '你好')
    await settled(page)
    world.wx.wx.request = (options: WechatMiniprogram.RequestOption) => {
      if (!options.url.endsWith('/v1/feedback')) throw new Error('unexpected request')
      setTimeout(
        () =>
          options.success?.({
            statusCode: 429,
            data: { error: { message: 'slow down', code: 'rate_limited' } },
            header: {},
          } as never),
        0,
      )
      return { abort() {} }
    }
    tap(page, '.message-actions >>> .action-report')
    await waitFor(() => (world.wx.recorded.showToast ?? []).length > 0, 'a toast')
    expect((world.wx.recorded.showToast as { title: string }[])[0]?.title).toMatch(/请求太频繁/)
    expect(textOf(page, '.message-actions >>> .action-report')).toBe('举报')
  })
})

describe('refused questions', () => {
  test('a question content security refused is replaced by a notice and is not stored', async () => {
    world = createWorld()
    world.answers[0] = {
      status: 400,
      body: JSON.stringify({
        error: { message: '内容不合规', code: 'content_blocked', type: 'invalid_request_error' },
      }),
    }
    const page = mountChat()
    await sendText(page, '一段违规的提问')
    await settled(page)
    expect(texts(page, '.chat-message >>> .bubble')).toEqual(['该消息未通过内容安全检查，已隐藏'])
    expect(textOf(page, '.chat-message >>> .error-text')).toBe('该问题未通过内容安全检查，无法回答')
    expect([...world.wx.storage.values()].join('')).not.toContain('违规的提问')
    expect(page.data.title).toBe('新对话')
  })
})

describe('关于', () => {
  test('lists the service, each model with its filing number and the support contact, from the relay', async () => {
    world = createWorld()
    const about = mount('pages/about/index')
    await waitFor(() => textOf(about, '.about-service') === TEST_APP_INFO.service.name, 'the relay info')
    expect(textOf(about, '.about-model-name')).toContain('演示模型')
    expect(textOf(about, '.about-model-filing')).toBe('备案号：Test-Filing-001')
    expect(textOf(about, '.about-support')).toContain('help@example.com')
  })
})
