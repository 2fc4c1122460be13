import fc from 'fast-check'
import {
  availableTranscripts,
  contentOf,
  expectedUpdates,
  loadTranscript,
  runRequest,
  terminal,
} from './chat-client-helpers'

describe('startChatRequest streaming a transcript', () => {
  const names = availableTranscripts()
  const modes = ['chunks', 'no-chunks', 'merged'] as const

  for (const name of names) {
    for (const mode of modes) {
      test(`${name} in ${mode} mode gives the decoder's updates exactly`, async () => {
        const body = loadTranscript(name)
        const { updates } = await runRequest({ body, mode, chunkSizes: 'random', seed: name.length + 7 })
        expect(updates).toEqual(expectedUpdates(body))
        terminal(updates)
      })
    }
  }

  test.each([1, 3, 7, 64, 1024])('openai-basic in fixed %i-byte chunks', async (size) => {
    const body = loadTranscript('openai-basic')
    const { updates } = await runRequest({ body, chunkSizes: size })
    expect(updates).toEqual(expectedUpdates(body))
    expect(contentOf(updates)).toContain('你好！我是一个AI助手😊。')
    expect(terminal(updates)).toMatchObject({ type: 'done', finishReason: 'stop' })
  })

  test('a platform that sends chunks AND the whole body in success feeds it only once', async () => {
    const body = loadTranscript('openai-basic')
    const { updates } = await runRequest({ body, successData: 'body' })
    expect(updates).toEqual(expectedUpdates(body))
  })

  test('success.data undefined after chunks still ends the stream', async () => {
    const body = loadTranscript('openai-basic')
    const { updates } = await runRequest({ body, successData: 'undefined' })
    expect(updates).toEqual(expectedUpdates(body))
  })

  test('DevTools: no statusCode in the headers event still streams', async () => {
    const body = loadTranscript('openai-basic')
    const { updates } = await runRequest({ body, omitHeaderStatus: true })
    expect(updates).toEqual(expectedUpdates(body))
  })

  test("a stream cut before [DONE] ends in the decoder's interrupted error, after the text", async () => {
    const full = Buffer.from(loadTranscript('openai-basic')).toString('utf8')
    const cut = full.slice(0, full.indexOf('下面'))
    const { updates } = await runRequest({ body: cut })
    expect(contentOf(updates)).toBe('你好！我是一个AI助手😊。')
    expect(terminal(updates)).toMatchObject({ type: 'error', code: 'interrupted' })
  })

  test('sends the request WeChat needs for streaming', async () => {
    const body = loadTranscript('openai-basic')
    const { double } = await runRequest({ body }, { token: 'tok-123' })
    expect(double.calls).toHaveLength(1)
    const call = double.calls[0]!
    expect(call.options).toMatchObject({
      url: 'http://127.0.0.1:8787/v1/chat/completions',
      method: 'POST',
      enableChunked: true,
      responseType: 'arraybuffer',
      header: { 'Content-Type': 'application/json', Authorization: 'Bearer tok-123' },
    })
    expect(typeof call.options.data).toBe('string')
    expect(call.json).toEqual({ model: 'demo', messages: [{ role: 'user', content: '你好' }], stream: true })
    expect(call.task.chunkListeners).toBe(0)
    expect(call.task.headerListeners).toBe(0)
  })

  test('no Authorization header without a token', async () => {
    const { double } = await runRequest({ body: loadTranscript('openai-basic') })
    expect(double.calls[0]!.options.header).not.toHaveProperty('Authorization')
  })
})

describe('startChatRequest: any chunking gives the same updates (property)', () => {
  test('random seeds, sizes and modes over every transcript', async () => {
    const names = availableTranscripts().filter((n) => loadTranscript(n).length < 60_000)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.oneof(fc.constant<'random'>('random'), fc.integer({ min: 1, max: 300 })),
        fc.constantFrom('chunks' as const, 'merged' as const, 'no-chunks' as const),
        async (name, seed, chunkSizes, mode) => {
          const body = loadTranscript(name)
          const { updates } = await runRequest({ body, seed, chunkSizes, mode })
          expect(updates).toEqual(expectedUpdates(body))
        },
      ),
      { numRuns: 25 },
    )
  })

  test('the app-hide listener is registered during the request and removed at its end', async () => {
    let during = -1
    const body = loadTranscript('openai-basic')
    const { installed } = await runRequest({ body }, {}, (_h, wxHandle) => {
      during = wxHandle.appHideListeners()
    })
    expect(during).toBe(1)
    expect(installed.appHideListeners()).toBe(0)
  })
})
