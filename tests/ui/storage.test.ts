import {
  type Conversation,
  createConversation,
  reduceConversation,
  STORAGE_KEY_LIMIT_BYTES,
} from '../../miniprogram/lib/chat/index'
import {
  deleteConversation,
  INDEX_KEY,
  listConversations,
  loadConversation,
  notifySaveResult,
  saveConversation,
} from '../../miniprogram/services/storage'
import { installWx } from '../support/wx-request-double'

/** A finished conversation whose answer is `size` characters of Chinese (3 bytes each). */
function big(id: string, size: number, at: number, pairs = 1): Conversation {
  let conv = createConversation(id, at)
  for (let p = 0; p < pairs; p++) {
    const a = `${id}-a${p}`
    conv = reduceConversation(conv, {
      type: 'send',
      text: `问题${p}`,
      userId: `${id}-u${p}`,
      assistantId: a,
      now: at,
    })
    const content = '长'.repeat(size)
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: a,
      update: { type: 'delta', content },
      now: at,
    })
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: a,
      update: { type: 'done', finishReason: 'stop' },
      now: at,
    })
  }
  return conv
}

describe('storage service', () => {
  let wxHandle: ReturnType<typeof installWx>
  beforeEach(() => {
    wxHandle = installWx()
  })
  afterEach(() => wxHandle.uninstall())

  test('round trip: index key + one key per conversation, newest first', () => {
    saveConversation(big('a', 10, 1000))
    saveConversation(big('b', 10, 2000))
    expect([...wxHandle.storage.keys()].sort()).toEqual(['conv:a', 'conv:b', INDEX_KEY])
    expect(listConversations().map((c) => c.id)).toEqual(['b', 'a'])
    expect(loadConversation('a')).toEqual(big('a', 10, 1000))
    deleteConversation('a')
    expect(loadConversation('a')).toBeNull()
    expect(listConversations().map((c) => c.id)).toEqual(['b'])
  })

  test('over the total limit: oldest conversations are evicted, the saved one kept, the user told', () => {
    // Each ~900 KB: ten of them would exceed the 10 MB total.
    for (let i = 0; i < 12; i++) {
      const result = saveConversation(big(`c${i}`, 300_000, 1000 + i))
      notifySaveResult(result)
    }
    const ids = listConversations().map((c) => c.id)
    expect(ids[0]).toBe('c11')
    expect(ids).not.toContain('c0')
    expect(loadConversation('c0')).toBeNull()
    expect(loadConversation('c11')).not.toBeNull()
    const toasts = (wxHandle.recorded.showToast ?? []) as { title: string }[]
    expect(toasts.some((t) => /已删除 \d+ 个最早的对话/.test(t.title))).toBe(true)
  })

  test('a conversation bigger than one key is trimmed oldest-first with a notice', () => {
    const conv = big('huge', 120_000, 1000, 4)
    const result = saveConversation(conv)
    expect(result.trimmed).toBe(true)
    const stored = loadConversation('huge')!
    expect(stored.messages.length).toBeLessThan(conv.messages.length)
    expect(stored.messages[stored.messages.length - 1]!.id).toBe('huge-a3')
    expect(wxHandle.storage.get('conv:huge')!.length * 3).toBeLessThan(STORAGE_KEY_LIMIT_BYTES * 1.01)
    notifySaveResult(result)
    expect((wxHandle.recorded.showToast as { title: string }[])[0]!.title).toContain('已删除最早的消息')
  })

  test('a save that fails even after evicting leaves no index entry pointing at a deleted conversation', () => {
    for (let i = 0; i < 3; i++) saveConversation(big(`old${i}`, 10, 1000 + i))
    saveConversation(big('mine', 10, 1500))
    // The platform refuses every write of this conversation (its estimate was off, storage is full).
    const setStorageSync = wxHandle.wx.setStorageSync as (key: string, value: unknown) => void
    wxHandle.wx.setStorageSync = (key: string, value: unknown) => {
      if (key === 'conv:mine') throw new Error('setStorageSync:fail exceed storage max size 10Mb')
      setStorageSync(key, value)
    }
    expect(() => saveConversation(big('mine', 20, 2000))).toThrow('存储空间不足')
    for (const { id } of listConversations()) expect(loadConversation(id)).not.toBeNull()
    // Its older stored version is still readable, and still listed.
    expect(listConversations().map((c) => c.id)).toContain('mine')
    expect(loadConversation('mine')).toEqual(big('mine', 10, 1500))
  })
})
