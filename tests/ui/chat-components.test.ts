/** @jest-environment jsdom */
/** The chat page's own components, each loaded alone with the official compiler. */
import { find, mount, sleep, tap, textOf, texts } from '../support/simulate'
import './wcc-hints'

/** Records the component events `names` as they fire. */
function listen(node: ReturnType<typeof mount>, names: string[]): { name: string; detail: unknown }[] {
  const events: { name: string; detail: unknown }[] = []
  for (const name of names)
    node.addEventListener(name, (event) => events.push({ name, detail: event.detail }))
  return events
}

describe('chat-input', () => {
  test('send carries the typed text; blank text cannot be sent', async () => {
    const input = mount('components/chat-input/index')
    const events = listen(input, ['send', 'stop'])
    tap(input, '.btn-send')
    find(input, '.input')?.dispatchEvent('input', { detail: { value: '  \n ' } })
    await sleep(5)
    tap(input, '.btn-send')
    expect(events).toEqual([])
    find(input, '.input')?.dispatchEvent('input', { detail: { value: '你好' } })
    await sleep(5)
    tap(input, '.btn-send')
    await sleep(5)
    expect(events).toEqual([{ name: 'send', detail: { text: '你好' } }])
  })

  test('the parent passing the same properties again (any re-render) keeps what is being typed', async () => {
    const input = mount('components/chat-input/index')
    find(input, '.input')?.dispatchEvent('input', { detail: { value: '打到一半' } })
    await sleep(5)
    input.setData({ value: '', version: 0, canAttach: true })
    await sleep(5)
    expect(input.data.draft).toBe('打到一半')
    expect(input.data.canSend).toBe(true)
  })

  test('while streaming, stop replaces send', async () => {
    const input = mount('components/chat-input/index', { streaming: true })
    const events = listen(input, ['send', 'stop'])
    expect(find(input, '.btn-send')).toBeUndefined()
    tap(input, '.btn-stop')
    await sleep(5)
    expect(events).toEqual([{ name: 'stop', detail: {} }])
  })

  test('the page sets the text (editing) and clears it, even to a value it had before', async () => {
    const input = mount('components/chat-input/index')
    const events = listen(input, ['canceledit'])
    input.setData({ value: '旧问题', version: 1, editing: true })
    await sleep(5)
    expect(input.data.draft).toBe('旧问题')
    expect(textOf(input, '.editing')).toContain('编辑消息后重新发送')
    tap(input, '.editing-cancel')
    await sleep(5)
    expect(events.map((e) => e.name)).toEqual(['canceledit'])
    find(input, '.input')?.dispatchEvent('input', { detail: { value: '改了一半' } })
    await sleep(5)
    expect(input.data.draft).toBe('改了一半')
    input.setData({ value: '旧问题', version: 2 })
    await sleep(5)
    expect(input.data.draft).toBe('旧问题')
  })
})

describe('message-actions', () => {
  test('a finished last answer: copy and regenerate', async () => {
    const actions = mount('components/message-actions/index', {
      role: 'assistant',
      status: 'done',
      canCopy: true,
      last: true,
    })
    const events = listen(actions, ['copy', 'regenerate', 'continue'])
    expect(texts(actions, '.action')).toEqual(['复制', '重新生成'])
    tap(actions, '.action-copy')
    tap(actions, '.action-regenerate')
    await sleep(5)
    expect(events.map((e) => e.name)).toEqual(['copy', 'regenerate'])
  })

  test('a cut last answer: continue and retry; an older answer: copy only', () => {
    const cut = mount('components/message-actions/index', {
      role: 'assistant',
      status: 'interrupted',
      canCopy: true,
      canContinue: true,
      last: true,
    })
    expect(texts(cut, '.action')).toEqual(['复制', '继续', '重试'])
    const older = mount('components/message-actions/index', {
      role: 'assistant',
      status: 'done',
      canCopy: true,
    })
    expect(texts(older, '.action')).toEqual(['复制'])
    const failed = mount('components/message-actions/index', {
      role: 'assistant',
      status: 'error',
      last: true,
    })
    expect(texts(failed, '.action')).toEqual(['重试'])
  })

  test('the last question can be edited', async () => {
    const actions = mount('components/message-actions/index', { role: 'user', last: true })
    const events = listen(actions, ['edit'])
    tap(actions, '.action-edit')
    await sleep(5)
    expect(events.map((e) => e.name)).toEqual(['edit'])
  })
})

describe('chat-message', () => {
  test('a question is a bubble with its text', () => {
    const message = mount('components/chat-message/index', {
      role: 'user',
      status: 'done',
      text: '怎么学 TypeScript？',
    })
    expect(textOf(message, '.bubble')).toBe('怎么学 TypeScript？')
    expect(find(message, '.answer')).toBeUndefined()
  })

  test('an answer waiting for its first token shows the typing indicator, then its error line', () => {
    const waiting = mount('components/chat-message/index', {
      role: 'assistant',
      status: 'streaming',
      waiting: true,
    })
    expect(find(waiting, '.typing-indicator')).toBeTruthy()
    expect(find(waiting, '.error')).toBeUndefined()
    const cut = mount('components/chat-message/index', {
      role: 'assistant',
      status: 'interrupted',
      error: '连接中断，回答不完整',
    })
    expect(find(cut, '.typing-indicator')).toBeUndefined()
    expect(find(cut, '.error-interrupted')).toBeTruthy()
    expect(textOf(cut, '.error-text')).toBe('连接中断，回答不完整')
  })

  test('reattaching shows a quiet note and nothing else changes', () => {
    const message = mount('components/chat-message/index', { role: 'assistant', status: 'streaming' })
    expect(find(message, '.reconnecting')).toBeUndefined()
    message.setData({ reconnecting: true })
    expect(textOf(message, '.reconnecting')).toBe('重新连接中…')
    expect(find(message, '.error')).toBeUndefined()
  })
})
