import type { ChatUpdate } from '../../miniprogram/lib/stream'
import { createChatDecoder } from '../../miniprogram/lib/stream'
import { chat, dataFrames, request, startTestRelay, type TestRelay, userMessage, waitFor } from './helpers'

let relay: TestRelay

beforeAll(async () => {
  relay = await startTestRelay({ RELAY_DEMO_DELAY_MS: '1' })
})
afterAll(() => relay.close())

function decode(body: Buffer): { content: string; reasoning: string; end: ChatUpdate | null } {
  let content = ''
  let reasoning = ''
  let end: ChatUpdate | null = null
  const decoder = createChatDecoder((u) => {
    if (u.type === 'delta') {
      content += u.content ?? ''
      reasoning += u.reasoning ?? ''
    } else end = u
  })
  decoder.push(body)
  decoder.end()
  return { content, reasoning, end }
}

describe('the built-in demo model', () => {
  it('streams reasoning, then markdown with a heading, list, table and code, then usage and [DONE]', async () => {
    const res = await chat(relay.url, userMessage('请用代码实现防抖'))
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    const frames = dataFrames(res.text)
    expect(frames.at(-1)).toBe('[DONE]')
    expect(frames.length).toBeGreaterThan(100)
    const firstContent = frames.findIndex((f) => f.includes('"content":"#'))
    const lastReasoning = frames.map((f) => f.includes('reasoning_content')).lastIndexOf(true)
    expect(lastReasoning).toBeLessThan(firstContent)
    const { content, reasoning, end } = decode(res.body)
    expect(reasoning.length).toBeGreaterThan(20)
    expect(content).toMatch(/^## /m)
    expect(content).toMatch(/^(\d+\.|-) /m)
    expect(content).toMatch(/^\|.*\|$/m)
    expect(content).toContain('```ts')
    expect(end).toMatchObject({ type: 'done', finishReason: 'stop' })
    expect((end as unknown as { usage: { totalTokens: number } }).usage.totalTokens).toBeGreaterThan(0)
  })

  it('answers in the language of the question', async () => {
    const zh = decode((await chat(relay.url, userMessage('什么是流式输出？'))).body)
    const en = decode((await chat(relay.url, userMessage('What is streaming?'))).body)
    expect(zh.content).toMatch(/[\u4e00-\u9fff]{10}/)
    expect(en.content).not.toMatch(/[\u4e00-\u9fff]/)
    expect(en.content).toContain('What is streaming?')
  })

  it('paces tokens at RELAY_DEMO_DELAY_MS and stops when the client disconnects', async () => {
    const slow = await startTestRelay({ RELAY_DEMO_DELAY_MS: '20' })
    try {
      const res = await chat(
        slow.url,
        userMessage('hi'),
        {},
        { abortWhen: (t) => t.includes('"content":"#') },
      )
      expect(dataFrames(res.text)).not.toContain('[DONE]')
      await waitFor(() =>
        slow.logs.some((l) => l.includes('"clientAborted":true') && l.includes('"demo":true')),
      )
      const bytes = Number(/"bytes":(\d+)/.exec(slow.logs.find((l) => l.includes('"msg":"chat"'))!)![1])
      // A demo that kept going after the disconnect would have written the whole answer (tens of KB).
      expect(bytes).toBeLessThan(res.body.length + 2000)
    } finally {
      await slow.close()
    }
  })

  it('honours max_tokens with finish_reason "length"', async () => {
    const { end } = decode((await chat(relay.url, userMessage('hi', { max_tokens: 50 }))).body)
    expect(end).toMatchObject({ type: 'done', finishReason: 'length' })
  })

  it('answers stream: false with one chat.completion', async () => {
    const res = await chat(relay.url, userMessage('你好', { stream: false }))
    const body = JSON.parse(res.text)
    expect(body).toMatchObject({ object: 'chat.completion', model: 'demo' })
    expect(body.choices[0].message.content).toContain('演示模型')
    expect(body.choices[0].message.reasoning_content.length).toBeGreaterThan(0)
  })

  it('is labelled as a demo in /v1/models, /healthz and the logs', async () => {
    const models = JSON.parse((await request(`${relay.url}/v1/models`)).text)
    expect(models.data).toEqual([expect.objectContaining({ id: 'demo', owned_by: 'relay-demo' })])
    expect(JSON.parse((await request(`${relay.url}/healthz`)).text)).toEqual({ ok: true, upstream: 'demo' })
    expect(relay.logs.some((l) => l.includes('"demo":true'))).toBe(true)
  })
})
