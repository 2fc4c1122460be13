import {
  canContinue,
  createConversation,
  DEFAULT_TITLE,
  reduceConversation,
  streamingMessage,
} from '../../miniprogram/lib/chat'
import { BLOCKED_NOTICE, UNCHECKED_NOTICE } from '../../miniprogram/lib/errors/index'
import { asked, conversationWith, last, stream } from './helpers'

describe('send and stream', () => {
  test('send appends the user message and a streaming placeholder, titles the conversation', () => {
    const empty = createConversation('c1', 1)
    const conv = reduceConversation(empty, {
      type: 'send',
      text: '  如何学习 TypeScript？',
      userId: 'u',
      assistantId: 'a',
      now: 5,
    })
    expect(empty.messages).toHaveLength(0)
    expect(conv.messages).toEqual([
      { id: 'u', role: 'user', content: '  如何学习 TypeScript？', status: 'done', createdAt: 5 },
      { id: 'a', role: 'assistant', content: '', status: 'streaming', createdAt: 5 },
    ])
    expect(conv.title).toBe('如何学习 TypeScript？')
    expect(conv.updatedAt).toBe(5)
    expect(streamingMessage(conv)?.id).toBe('a')
  })

  test('blank text and sending while streaming are refused', () => {
    const conv = createConversation('c1', 1)
    expect(() =>
      reduceConversation(conv, { type: 'send', text: ' \n', userId: 'u', assistantId: 'a', now: 2 }),
    ).toThrow('消息不能为空')
    const busy = reduceConversation(conv, { type: 'send', text: 'hi', userId: 'u', assistantId: 'a', now: 2 })
    expect(() =>
      reduceConversation(busy, { type: 'send', text: 'again', userId: 'u2', assistantId: 'a2', now: 3 }),
    ).toThrow('回答还在生成中')
  })

  test('only the first message names the conversation', () => {
    const conv = conversationWith(['第一个问题', '第二个问题'])
    expect(conv.title).toBe('第一个问题')
  })

  test('deltas grow the answer; reasoning is timed until the answer starts', () => {
    let conv = asked()
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a',
      update: { type: 'delta', reasoning: '想' },
      now: 1000,
    })
    expect(last(conv)).toMatchObject({ reasoning: '想', reasoningStartedAt: 1000, status: 'streaming' })
    expect(last(conv).reasoningMs).toBeUndefined()
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a',
      update: { type: 'delta', reasoning: '一想' },
      now: 2000,
    })
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a',
      update: { type: 'delta', content: '答' },
      now: 4500,
    })
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a',
      update: { type: 'delta', content: '案' },
      now: 5000,
    })
    expect(last(conv)).toMatchObject({ reasoning: '想一想', content: '答案', reasoningMs: 3500 })
    const usage = { promptTokens: 1, completionTokens: 2, totalTokens: 3 }
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a',
      update: { type: 'done', finishReason: 'stop', usage },
      now: 6000,
    })
    expect(last(conv)).toMatchObject({ status: 'done', finishReason: 'stop', usage, reasoningMs: 3500 })
  })

  test('stale updates (other id, finished answer, empty delta) return the same object', () => {
    const conv = conversationWith(['q'])
    expect(
      reduceConversation(conv, {
        type: 'update',
        messageId: 'a0',
        update: { type: 'delta', content: 'x' },
        now: 9,
      }),
    ).toBe(conv)
    const streaming = reduceConversation(conv, {
      type: 'send',
      text: 'q2',
      userId: 'u1',
      assistantId: 'a1',
      now: 9,
    })
    expect(
      reduceConversation(streaming, {
        type: 'update',
        messageId: 'zzz',
        update: { type: 'delta', content: 'x' },
        now: 9,
      }),
    ).toBe(streaming)
    expect(
      reduceConversation(streaming, { type: 'update', messageId: 'a1', update: { type: 'delta' }, now: 9 }),
    ).toBe(streaming)
  })
})

describe('errors', () => {
  const start = () => asked()

  test('an error before any text is an error with the message, code and status', () => {
    const conv = stream(start(), 'a', [
      { type: 'error', message: '访问令牌无效', code: 'unauthorized', status: 401 },
    ])
    expect(last(conv)).toMatchObject({
      status: 'error',
      error: { message: '访问令牌无效', code: 'unauthorized', status: 401 },
    })
  })

  test.each(['interrupted', 'network', 'timeout', 'idle_timeout', 'background'])(
    'a %s break after some text keeps the text and is interrupted (continuable)',
    (code) => {
      const conv = stream(start(), 'a', [
        { type: 'delta', content: '一半' },
        { type: 'error', message: '断了', code },
      ])
      expect(last(conv)).toMatchObject({ status: 'interrupted', content: '一半', error: { code } })
      expect(canContinue(last(conv))).toBe(true)
    },
  )

  test('a refusal after some text is an error, not continuable', () => {
    const conv = stream(start(), 'a', [
      { type: 'delta', content: '一半' },
      { type: 'error', message: '额度已用完', code: 'quota_exceeded' },
    ])
    expect(last(conv)).toMatchObject({ status: 'error', content: '一半' })
    expect(canContinue(last(conv))).toBe(false)
  })

  test('content_blocked hides the text and the reasoning', () => {
    const conv = stream(start(), 'a', [
      { type: 'delta', reasoning: '思考', content: '不该显示' },
      { type: 'error', message: '未通过', code: 'content_blocked' },
    ])
    const message = last(conv)
    expect(message).toMatchObject({
      status: 'blocked',
      content: '',
      error: { message: BLOCKED_NOTICE, code: 'content_blocked' },
    })
    expect(message.reasoning).toBeUndefined()
    expect(message.reasoningStartedAt).toBeUndefined()
  })

  test('seccheck_unavailable hides the text like content_blocked (it was never checked)', () => {
    const conv = stream(start(), 'a', [
      { type: 'delta', reasoning: '思考', content: '未经检查' },
      { type: 'error', message: '内容安全检查暂时不可用', code: 'seccheck_unavailable' },
    ])
    expect(last(conv)).toMatchObject({
      status: 'blocked',
      content: '',
      error: { message: UNCHECKED_NOTICE, code: 'seccheck_unavailable' },
    })
    expect(last(conv).reasoning).toBeUndefined()
  })

  test.each(['upstream_timeout', 'upstream_disconnected', 'relay_shutting_down', 'overloaded'])(
    "the relay's mid-stream %s after some text is an interruption, continuable",
    (code) => {
      const conv = stream(start(), 'a', [
        { type: 'delta', content: '一半' },
        { type: 'error', message: '回答中断', code },
      ])
      expect(last(conv)).toMatchObject({ status: 'interrupted', content: '一半', error: { code } })
      expect(canContinue(last(conv))).toBe(true)
    },
  )

  test('an aborted error (abort without stop) is a stop, not a failure', () => {
    const conv = stream(start(), 'a', [
      { type: 'delta', content: '部分' },
      { type: 'error', message: '已停止生成', code: 'aborted' },
    ])
    expect(last(conv)).toMatchObject({ status: 'stopped', content: '部分' })
    expect(last(conv).error).toBeUndefined()
  })
})

describe('stop, regenerate, retry, continue, edit, rename', () => {
  test('stop keeps the partial text; a late stop returns the same object', () => {
    let conv = asked()
    conv = stream(conv, 'a', [
      { type: 'delta', reasoning: 'r' },
      { type: 'delta', content: '部分' },
    ])
    const stopped = reduceConversation(conv, { type: 'stop', now: 50 })
    expect(last(stopped)).toMatchObject({ status: 'stopped', content: '部分' })
    expect(reduceConversation(stopped, { type: 'stop', now: 60 })).toBe(stopped)
    // Updates after stop are stale.
    expect(stream(stopped, 'a', [{ type: 'delta', content: '晚到' }])).toBe(stopped)
  })

  test('stop during reasoning closes the reasoning timer', () => {
    let conv = asked()
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a',
      update: { type: 'delta', reasoning: 'r' },
      now: 100,
    })
    conv = reduceConversation(conv, { type: 'stop', now: 2100 })
    expect(last(conv).reasoningMs).toBe(2000)
  })

  test('regenerate replaces the last answer with a new streaming placeholder', () => {
    const conv = conversationWith(['q1', 'q2'])
    const next = reduceConversation(conv, { type: 'regenerate', assistantId: 'new', now: 99 })
    expect(next.messages).toHaveLength(4)
    expect(next.messages[2]).toEqual(conv.messages[2])
    expect(last(next)).toEqual({
      id: 'new',
      role: 'assistant',
      content: '',
      status: 'streaming',
      createdAt: 99,
    })
  })

  test('retry after an error works like regenerate; not while streaming', () => {
    let conv = asked()
    expect(() => reduceConversation(conv, { type: 'regenerate', assistantId: 'b', now: 1 })).toThrow(
      '没有可以重新生成的回答',
    )
    conv = stream(conv, 'a', [{ type: 'error', message: '网络', code: 'network' }])
    const retried = reduceConversation(conv, { type: 'regenerate', assistantId: 'b', now: 2 })
    expect(last(retried)).toMatchObject({ id: 'b', status: 'streaming', content: '' })
    expect(last(retried).error).toBeUndefined()
  })

  test('regenerate on an empty conversation throws', () => {
    expect(() =>
      reduceConversation(createConversation('c', 0), { type: 'regenerate', assistantId: 'x', now: 1 }),
    ).toThrow(RangeError)
  })

  test('continue puts a cut answer back to streaming, keeping its text and clearing the error', () => {
    let conv = asked()
    conv = stream(conv, 'a', [
      { type: 'delta', content: '前半' },
      { type: 'error', message: '连接中断', code: 'interrupted' },
    ])
    const next = reduceConversation(conv, { type: 'continue', now: 10 })
    expect(last(next)).toMatchObject({ id: 'a', status: 'streaming', content: '前半' })
    expect(last(next).error).toBeUndefined()
    const more = stream(next, 'a', [
      { type: 'delta', content: '后半' },
      { type: 'done', finishReason: 'stop' },
    ])
    expect(last(more)).toMatchObject({ content: '前半后半', status: 'done' })
  })

  test('continue after finish_reason length, but not after a normal stop', () => {
    const long = conversationWith(['q'])
    const cut = stream(reduceConversation(long, { type: 'regenerate', assistantId: 'b', now: 5 }), 'b', [
      { type: 'delta', content: 'x' },
      { type: 'done', finishReason: 'length' },
    ])
    expect(canContinue(last(cut))).toBe(true)
    expect(() => reduceConversation(long, { type: 'continue', now: 9 })).toThrow('这条回答无法继续')
  })

  test('edit replaces the last user text, drops its answer and re-titles a first message', () => {
    const conv = conversationWith(['旧问题'])
    const edited = reduceConversation(conv, { type: 'edit', text: '新问题', assistantId: 'b', now: 77 })
    expect(edited.messages).toHaveLength(2)
    expect(edited.messages[0]).toMatchObject({ id: 'u0', content: '新问题', createdAt: 77 })
    expect(last(edited)).toMatchObject({ id: 'b', status: 'streaming' })
    expect(edited.title).toBe('新问题')
  })

  test('edit of a later message keeps the title and earlier turns', () => {
    const conv = conversationWith(['一', '二'])
    const edited = reduceConversation(conv, { type: 'edit', text: '二改', assistantId: 'b', now: 77 })
    expect(edited.title).toBe('一')
    expect(edited.messages.map((m) => m.content)).toEqual(['一', '回答0', '二改', ''])
  })

  test('edit on an empty conversation throws', () => {
    expect(() =>
      reduceConversation(createConversation('c', 0), { type: 'edit', text: 'x', assistantId: 'b', now: 1 }),
    ).toThrow('没有可以编辑的消息')
  })

  test('rename sets and pins the title; later edits of the first message keep it', () => {
    const conv = conversationWith(['原来的'])
    const renamed = reduceConversation(conv, { type: 'rename', title: '  我的\n对话  ', now: 5 })
    expect(renamed).toMatchObject({ title: '我的 对话', titleEdited: true, updatedAt: 5 })
    const edited = reduceConversation(renamed, { type: 'edit', text: '换个问题', assistantId: 'z', now: 6 })
    expect(edited.title).toBe('我的 对话')
    expect(() => reduceConversation(conv, { type: 'rename', title: '   ', now: 5 })).toThrow('标题不能为空')
  })

  test('a new conversation has the default title', () => {
    expect(createConversation('x', 3)).toEqual({
      id: 'x',
      title: DEFAULT_TITLE,
      createdAt: 3,
      updatedAt: 3,
      messages: [],
    })
  })
})
