/**
 * Shared setup of the chat page tests: a global `wx` with the request double
 * answering chat requests from a per-test behaviour, helpers to read what the
 * user sees, and a setData recorder.
 */
import './wcc-hints'
import { createChatDecoder } from '../../miniprogram/lib/stream/index'
import { loadTranscript } from '../fixtures/transcripts/index'
import { find, mount, type Rendered, sleep, tap, texts, waitFor } from '../support/simulate'
import { createWxRequestDouble, installWx, type WxResponse } from '../support/wx-request-double'

/** The full answer text a transcript decodes to (what the page must end up showing). */
export function decodedContent(name: string): { content: string; reasoning: string } {
  let content = ''
  let reasoning = ''
  const sink = createChatDecoder((update) => {
    if (update.type === 'delta') {
      content += update.content ?? ''
      reasoning += update.reasoning ?? ''
    }
  })
  sink.push(loadTranscript(name))
  sink.end()
  return { content, reasoning }
}

/** One test's world: wx, the double, and how chat requests are answered. */
export interface ChatWorld {
  wx: ReturnType<typeof installWx>
  double: ReturnType<typeof createWxRequestDouble>
  /** Answers of the next chat requests, in order; the last one repeats. */
  answers: WxResponse[]
  /** Chat requests made (login and other routes left out). */
  chatCalls(): ReturnType<typeof createWxRequestDouble>['calls']
}

/** What the test relay serves at /v1/app-info (the shape of relay/src/review/app-info.ts). */
export const TEST_APP_INFO = {
  service: { name: '测试问答', support: 'help@example.com' },
  aiLabel: '内容由 AI 生成',
  models: [
    { id: 'demo', name: '演示模型', provider: '测试', filing: 'Test-Filing-001', vision: true },
    { id: 'text-only', name: '纯文本模型', provider: '测试', filing: 'Test-Filing-002' },
  ],
  agreement: { version: 'v1', title: '用户协议', text: '协议正文' },
  privacy: { version: 'v1', title: '隐私政策', text: '隐私正文' },
}

/**
 * Installs wx + the double. `extra` overrides wx APIs (theme, canIUse…). Unless `agreed` is false,
 * storage starts with consent to TEST_APP_INFO's texts (the consent tests start without).
 */
export function createWorld(
  extra: Record<string, unknown> = {},
  storage?: Map<string, string>,
  agreed = true,
): ChatWorld {
  const answers: WxResponse[] = [{ body: loadTranscript('openai-basic'), chunkSizes: 'random' }]
  let served = 0
  const double = createWxRequestDouble((options) => {
    if (options.url.endsWith('/v1/app-info')) {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(TEST_APP_INFO),
      }
    }
    if (options.url.endsWith('/v1/feedback'))
      return { status: 201, headers: { 'Content-Type': 'application/json' }, body: '{"id":"f1"}' }
    if (!options.url.endsWith('/v1/chat/completions')) return { status: 404, body: '{}' }
    const answer = answers[Math.min(served, answers.length - 1)]!
    served++
    return answer
  })
  const wx = installWx({
    request: double.request,
    canIUse: (what: string) => what === 'request.object.enableChunked',
    setNavigationBarTitle: () => undefined,
    onThemeChange: () => undefined,
    ...extra,
  })
  if (agreed && !storage) {
    // Agreed earlier, with the relay's texts already known: the page opens ready to chat.
    wx.storage.set('consent', JSON.stringify({ agreement: 'v1', privacy: 'v1' }))
    wx.storage.set('app-info', JSON.stringify({ relayUrl: 'http://127.0.0.1:8787', info: TEST_APP_INFO }))
  }
  if (storage) for (const [key, value] of storage) wx.storage.set(key, value)
  return {
    wx,
    double,
    answers,
    chatCalls: () => double.calls.filter((call) => call.options.url.endsWith('/v1/chat/completions')),
  }
}

/**
 * setData calls of a page instance, as sent: copied at the call, because the simulator keeps the
 * objects it is given and later path updates (`blocks[9].lines[0]` after `blocks[9].lines: []`)
 * fill them in place — WeChat serializes each call across its bridge instead.
 */
export function recordSetData(page: Rendered): Record<string, unknown>[] {
  const calls: Record<string, unknown>[] = []
  const instance = page.instance as { setData(data: Record<string, unknown>, cb?: () => void): void }
  const original = instance.setData.bind(instance)
  instance.setData = (data, cb) => {
    calls.push(JSON.parse(JSON.stringify(data)) as Record<string, unknown>)
    original(data, cb)
  }
  return calls
}

/** Mounts the chat page. */
export function mountChat(): Rendered {
  return mount('pages/chat/index')
}

/** Types `text` and taps send (as the user would); resolves once the tap was delivered. */
export async function sendText(page: Rendered, text: string): Promise<void> {
  const input = find(page, '.chat-input >>> .input')
  if (!input) throw new Error('no input')
  input.dispatchEvent('input', { detail: { value: text } })
  await sleep(5)
  tap(page, '.chat-input >>> .btn-send')
  await sleep(5)
}

/** Text of the last answer as rendered. */
export function lastAnswer(page: Rendered): string {
  const answers = texts(page, '.chat-message >>> .answer')
  return answers[answers.length - 1] ?? ''
}

/** The status of the last message in page data. */
export function lastStatus(page: Rendered): string {
  const messages = page.data.messages as { status: string }[]
  return messages[messages.length - 1]?.status ?? ''
}

/** Waits until the last answer is no longer streaming. */
export function settled(page: Rendered, timeoutMs = 15_000): Promise<void> {
  return waitFor(
    () => !page.data.streaming && lastStatus(page) !== 'streaming',
    'the answer to finish',
    timeoutMs,
  )
}

/** Markdown-free comparison: whitespace collapsed, markers dropped. */
export function flat(text: string): string {
  return text.replace(/[\s#*`>|\-_~]+/g, '')
}
