/** @jest-environment jsdom */
import { type Conversation, createConversation, reduceConversation } from '../../miniprogram/lib/chat/index'
import { listConversations, loadConversation, saveConversation } from '../../miniprogram/services/storage'
import { all, mount, sleep, tap, texts } from '../support/simulate'
import { installWx } from '../support/wx-request-double'

function conversation(id: string, question: string, answer: string, at: number): Conversation {
  let conv = createConversation(id, at)
  conv = reduceConversation(conv, {
    type: 'send',
    text: question,
    userId: `${id}-u`,
    assistantId: `${id}-a`,
    now: at,
  })
  conv = reduceConversation(conv, {
    type: 'update',
    messageId: `${id}-a`,
    update: { type: 'delta', content: answer },
    now: at,
  })
  return reduceConversation(conv, {
    type: 'update',
    messageId: `${id}-a`,
    update: { type: 'done', finishReason: 'stop' },
    now: at,
  })
}

describe('conversations page', () => {
  let modalAnswer: { confirm: boolean; content?: string }
  let modals: unknown[]
  let wxHandle: ReturnType<typeof installWx>

  beforeEach(() => {
    modalAnswer = { confirm: true }
    modals = []
    wxHandle = installWx({
      showModal: (args: { success?: (r: unknown) => void }) => {
        modals.push(args)
        setTimeout(() => args.success?.({ ...modalAnswer, cancel: !modalAnswer.confirm }), 0)
      },
      navigateBack: () => undefined,
    })
    const now = Date.now()
    saveConversation(conversation('old', '第一个问题', '**旧的**回答', now - 3 * 86_400_000))
    saveConversation(conversation('new', '最新的问题', '新的回答', now - 1000))
    saveConversation(conversation('mid', '中间的问题', '中间回答', now - 2 * 3_600_000))
  })
  afterEach(() => wxHandle.uninstall())

  test('lists title, time and preview, newest first', () => {
    const page = mount('pages/conversations/index')
    expect(all(page, '.conv')).toHaveLength(3)
    expect(texts(page, '.conv-title')).toEqual(['最新的问题', '中间的问题', '第一个问题'])
    expect(texts(page, '.conv-time')[0]).toBe('刚刚')
    expect(texts(page, '.conv-preview')[2]).toBe('旧的回答')
  })

  test('open hands the id to the chat page', async () => {
    const page = mount('pages/conversations/index')
    tap(page, '.conv-main')
    await sleep(5)
    expect(JSON.parse(wxHandle.storage.get('ui:open') ?? 'null')).toEqual({ id: 'new' })
  })

  test('rename through an editable modal', async () => {
    modalAnswer = { confirm: true, content: '  改过的名字 ' }
    const page = mount('pages/conversations/index')
    tap(page, '.conv-rename')
    await sleep(20)
    expect(loadConversation('new')?.title).toBe('改过的名字')
    expect(texts(page, '.conv-title')[0]).toBe('改过的名字')
  })

  test('delete asks first; cancel keeps, confirm deletes', async () => {
    const page = mount('pages/conversations/index')
    modalAnswer = { confirm: false }
    tap(page, '.conv-delete')
    await sleep(20)
    expect(listConversations()).toHaveLength(3)
    modalAnswer = { confirm: true }
    tap(page, '.conv-delete')
    await sleep(20)
    expect(listConversations().map((c) => c.id)).toEqual(['mid', 'old'])
    expect(loadConversation('new')).toBeNull()
    expect(all(page, '.conv')).toHaveLength(2)
    expect(modals).toHaveLength(2)
  })
})
