import { type ChatUpdate, createChatDecoder } from '../../miniprogram/lib/stream'
import { loadTranscript } from '../fixtures/transcripts'

function decodeWhole(bytes: Uint8Array): ChatUpdate[] {
  const updates: ChatUpdate[] = []
  const decoder = createChatDecoder((update) => updates.push(update))
  decoder.push(bytes)
  decoder.end()
  return updates
}

describe('createChatDecoder', () => {
  it('turns an OpenAI transcript into deltas and one done with usage', () => {
    const updates = decodeWhole(loadTranscript('openai-basic'))
    const text = updates.map((u) => (u.type === 'delta' ? (u.content ?? '') : '')).join('')
    expect(text.startsWith('你好！我是一个AI助手😊。')).toBe(true)
    expect(text).toContain('```python\nprint("你好，世界🌏")\n```')
    expect(updates.at(-1)).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 21, completionTokens: 48, totalTokens: 69 },
    })
    expect(updates.filter((u) => u.type !== 'delta')).toHaveLength(1)
  })
})

describe('numbered events (resumable generations)', () => {
  test('every update carries the id of the event it came from', () => {
    const body =
      'id: 1\ndata: {"choices":[{"delta":{"reasoning_content":"想"}}]}\n\n' +
      ': keep-alive\n\n' +
      'id: 2\ndata: {"choices":[{"delta":{"content":"你"}}]}\n\n' +
      'id: 3\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n' +
      'id: 4\ndata: [DONE]\n\n'
    const updates: ChatUpdate[] = []
    const decoder = createChatDecoder((u) => updates.push(u))
    for (const byte of new TextEncoder().encode(body)) decoder.push(new Uint8Array([byte]))
    decoder.end()
    expect(updates).toEqual([
      { type: 'delta', reasoning: '想', eventId: '1' },
      { type: 'delta', content: '你', eventId: '2' },
      { type: 'done', finishReason: 'stop', eventId: '4' },
    ])
  })

  test('an error frame carries its id; an end without [DONE] carries none', () => {
    const framed: ChatUpdate[] = []
    const a = createChatDecoder((u) => framed.push(u))
    a.push(new TextEncoder().encode('id: 7\ndata: {"error":{"message":"cancelled","code":"cancelled"}}\n\n'))
    a.end()
    expect(framed).toEqual([{ type: 'error', message: 'cancelled', code: 'cancelled', eventId: '7' }])
    const cut: ChatUpdate[] = []
    const b = createChatDecoder((u) => cut.push(u))
    b.push(new TextEncoder().encode('id: 1\ndata: {"choices":[{"delta":{"content":"半"}}]}\n\n'))
    b.end()
    expect(cut[1]).toEqual({ type: 'error', message: '连接中断，回答不完整', code: 'interrupted' })
  })
})
