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
