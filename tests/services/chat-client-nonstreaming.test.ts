import { contentOf, expectedUpdates, loadTranscript, runRequest, terminal } from './chat-client-helpers'

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'deepseek-reasoner',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: '答案是 **42**。😊', reasoning_content: '先想一想……' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
}

describe('startChatRequest with streaming: false (base libraries without enableChunked)', () => {
  test('sends stream:false without enableChunked and reports delta + done', async () => {
    const { updates, double } = await runRequest(
      { body: JSON.stringify(completion), headers: { 'Content-Type': 'application/json' } },
      { streaming: false },
    )
    expect(double.calls[0]!.options.enableChunked).toBe(false)
    expect(double.calls[0]!.json).toMatchObject({ stream: false })
    expect(updates).toEqual([
      { type: 'delta', content: '答案是 **42**。😊', reasoning: '先想一想……' },
      {
        type: 'done',
        finishReason: 'stop',
        usage: { promptTokens: 10, completionTokens: 20, totalTokens: 30 },
      },
    ])
  })

  test('no timers: a slow non-streaming answer is not a first-byte timeout', async () => {
    const { updates } = await runRequest(
      { body: JSON.stringify(completion), headers: { 'Content-Type': 'application/json' }, delayMs: 60 },
      { streaming: false, firstByteTimeoutMs: 10, idleTimeoutMs: 10 },
    )
    expect(terminal(updates)).toMatchObject({ type: 'done' })
  })

  test('empty content is just done', async () => {
    const body = JSON.stringify({ choices: [{ message: { content: '' }, finish_reason: 'length' }] })
    const { updates } = await runRequest(
      { body, headers: { 'Content-Type': 'application/json' } },
      { streaming: false },
    )
    expect(updates).toEqual([{ type: 'done', finishReason: 'length' }])
  })

  test('a gateway that streams anyway is decoded as a stream', async () => {
    const body = loadTranscript('openai-basic')
    const { updates } = await runRequest({ body }, { streaming: false })
    expect(updates).toEqual(expectedUpdates(body))
  })

  test('HTTP errors map the same way', async () => {
    const body = JSON.stringify({ error: { message: 'Invalid token', code: 'invalid_token' } })
    const { updates } = await runRequest({ status: 401, body }, { streaming: false })
    expect(updates).toEqual([
      { type: 'error', code: 'unauthorized', status: 401, message: expect.stringContaining('访问令牌') },
    ])
  })

  test('garbage is bad_response', async () => {
    const { updates } = await runRequest(
      { body: 'not json', headers: { 'Content-Type': 'text/plain' } },
      { streaming: false },
    )
    expect(terminal(updates)).toMatchObject({ code: 'bad_response' })
  })

  test('a streaming request answered with a whole JSON completion (gateway ignored stream:true)', async () => {
    const { updates } = await runRequest({
      body: JSON.stringify(completion),
      headers: { 'Content-Type': 'application/json' },
    })
    expect(contentOf(updates)).toBe('答案是 **42**。😊')
    expect(terminal(updates)).toMatchObject({ type: 'done', finishReason: 'stop' })
  })
})
