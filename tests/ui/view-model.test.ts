import { type Conversation, createConversation, reduceConversation } from '../../miniprogram/lib/chat/index'
import { ChatViewModel, type MessageView } from '../../miniprogram/lib/view/index'

function delta(conv: Conversation, update: { content?: string; reasoning?: string }, now = 1): Conversation {
  return reduceConversation(conv, {
    type: 'update',
    messageId: 'a1',
    update: { type: 'delta', ...update },
    now,
  })
}

describe('ChatViewModel', () => {
  test('first flush sends the list; streaming flushes touch only the streaming message by path', () => {
    const model = new ChatViewModel()
    let conv = createConversation('c', 0)
    conv = reduceConversation(conv, { type: 'send', text: '你好', userId: 'u1', assistantId: 'a1', now: 0 })
    model.apply(conv)
    const first = model.flush()!
    expect(Object.keys(first).sort()).toEqual(
      ['conversationId', 'empty', 'lastUserIndex', 'messages', 'streaming', 'title'].sort(),
    )
    expect(first).toMatchObject({ streaming: true, empty: false, lastUserIndex: 0, conversationId: 'c' })
    const [user, answer] = first.messages as MessageView[]
    expect(user).toMatchObject({ role: 'user', text: '你好' })
    expect(answer).toMatchObject({ role: 'assistant', waiting: true, blocks: [] })
    expect(model.flush()).toBeNull()

    conv = delta(conv, { content: '第一段' })
    model.apply(conv)
    conv = delta(conv, { content: '继续写。\n\n```js\nconst a = 1\n' })
    model.apply(conv)
    const patch = model.flush()!
    expect(Object.keys(patch).every((key) => key.startsWith('messages[1].'))).toBe(true)
    expect(patch['messages[1].waiting']).toBe(false)

    conv = delta(conv, { content: 'const b = 2\n' })
    model.apply(conv)
    const tail = model.flush()!
    // Only the code block's new line (and nothing of the finished paragraph) is sent.
    expect(Object.keys(tail).every((key) => key.startsWith('messages[1].blocks[1].lines'))).toBe(true)
    expect(JSON.stringify(tail)).toContain('2')
    expect(JSON.stringify(tail)).not.toContain('第一段')
  })

  test('reasoning opens while thinking, collapses when the answer starts; the user toggle sticks', () => {
    const model = new ChatViewModel()
    let conv = reduceConversation(createConversation('c', 0), {
      type: 'send',
      text: '问',
      userId: 'u1',
      assistantId: 'a1',
      now: 0,
    })
    conv = delta(conv, { reasoning: '想一想' }, 1000)
    model.apply(conv)
    const thinking = (model.flush()!.messages as MessageView[])[1]!
    expect(thinking).toMatchObject({ reasoningLabel: '思考中…', reasoningOpen: true, reasoning: ['想一想'] })
    conv = delta(conv, { content: '答案' }, 4000)
    model.apply(conv)
    expect(model.flush()).toMatchObject({
      'messages[1].reasoningOpen': false,
      'messages[1].reasoningLabel': '已深度思考（用时 3 秒）',
    })
    model.toggleReasoning(1)
    expect(model.flush()).toEqual({ 'messages[1].reasoningOpen': true })
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a1',
      update: { type: 'done', finishReason: 'stop' },
      now: 5000,
    })
    model.apply(conv)
    const done = model.flush()!
    expect(done['messages[1].status']).toBe('done')
    expect(done['messages[1].reasoningOpen']).toBeUndefined()
  })

  test('a shorter list (edit, new conversation) is sent whole', () => {
    const model = new ChatViewModel()
    let conv = reduceConversation(createConversation('c', 0), {
      type: 'send',
      text: '问',
      userId: 'u1',
      assistantId: 'a1',
      now: 0,
    })
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a1',
      update: { type: 'done', finishReason: 'stop' },
      now: 1,
    })
    model.apply(conv)
    model.flush()
    model.apply(createConversation('d', 2))
    expect(model.flush()).toEqual({
      messages: [],
      conversationId: 'd',
      empty: true,
      lastUserIndex: -1,
      title: '新对话',
    })
  })

  test("the page's other conversation data comes through the same diff, only when it changes", () => {
    const model = new ChatViewModel()
    let conv = reduceConversation(createConversation('c', 0), {
      type: 'send',
      text: '问题',
      userId: 'u1',
      assistantId: 'a1',
      now: 0,
    })
    model.apply(conv)
    model.flush()
    conv = delta(conv, { content: '答' })
    model.apply(conv)
    expect(Object.keys(model.flush()!).every((key) => key.startsWith('messages['))).toBe(true)
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a1',
      update: { type: 'done', finishReason: 'stop' },
      now: 2,
    })
    model.apply(conv)
    expect(model.flush()).toMatchObject({ streaming: false })
    conv = reduceConversation(conv, { type: 'rename', title: '新名字', now: 3 })
    model.apply(conv)
    expect(model.flush()).toEqual({ title: '新名字' })
    expect(model.flush()).toBeNull()
  })
})
