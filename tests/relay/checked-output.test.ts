import http from 'node:http'
import { RelayError } from '../../relay/src/errors'
import type { OutputCheck, RelayHooks } from '../../relay/src/hooks'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, startTestRelay, userMessage, waitFor } from './helpers'

/** The answer text of the content deltas in an SSE body so far (complete events only). */
function contentOf(sse: string): string {
  let text = ''
  for (const frame of dataFrames(sse.slice(0, sse.lastIndexOf('\n\n') + 2))) {
    try {
      const delta = JSON.parse(frame).choices?.[0]?.delta ?? {}
      text += (delta.reasoning_content ?? '') + (delta.content ?? '')
    } catch {
      // [DONE] or an error frame.
    }
  }
  return text
}

/** A streamed chat whose body the test can look at while it is still arriving. */
function openStream(url: string, body: unknown): { text(): string; done: Promise<void> } {
  let received = ''
  const done = new Promise<void>((resolve, reject) => {
    const req = http.request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      agent: false,
    })
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => {
        received += chunk.toString()
      })
      res.on('end', resolve)
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
  return { text: () => received, done }
}

/** An output check the test opens by hand: every text it was asked about, and when it passed. */
function gatedHooks() {
  const asked: string[] = []
  let open = false
  const waiters: Array<() => void> = []
  const check: OutputCheck = {
    maxChars: 2500,
    minChars: 20,
    holdMs: 50,
    async check(text) {
      asked.push(text)
      if (!open) await new Promise<void>((resolve) => waiters.push(resolve))
      if (text.includes('违禁')) throw new RelayError(400, 'content_blocked', '回答内容未通过安全检查')
    },
  }
  const hooks: RelayHooks = { outputCheck: () => check }
  return {
    hooks,
    asked,
    openGate() {
      open = true
      for (const resolve of waiters.splice(0)) resolve()
    },
  }
}

let emu: UpstreamEmulator
beforeAll(async () => {
  emu = await startUpstreamEmulator()
})
afterAll(() => emu.close())

describe('checked output: no text reaches the client before it passed the check', () => {
  it.each(['upstream', 'demo'])(
    '%s: held while the check is pending, released in full once it passes',
    async (kind) => {
      emu.setBehaviour({})
      const gated = gatedHooks()
      const relay = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm,demo' }, gated.hooks)
      try {
        const stream = openStream(relay.url, userMessage('你好', { model: kind === 'demo' ? 'demo' : 'm' }))
        await waitFor(() => gated.asked.length > 0)
        await new Promise((resolve) => setTimeout(resolve, 300))
        // The stream is open (a 200 and the role frame may be out) but not one character of the answer.
        expect(contentOf(stream.text())).toBe('')
        gated.openGate()
        await stream.done
        const text = contentOf(stream.text())
        expect(text.length).toBeGreaterThan(10)
        expect(dataFrames(stream.text()).at(-1)).toBe('[DONE]')
        // Every character shown was part of some checked text.
        expect(gated.asked.join('')).toContain(text.slice(-10))
      } finally {
        await relay.close()
      }
    },
  )

  it('a refused segment and everything after it never reach the client; the stream ends content_blocked', async () => {
    const frame = (content: string) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`
    const body = `${frame('第一句很干净，没有问题。')}${frame('第二句含有违禁的内容。')}${frame('第三句又很干净。')}data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`
    emu.setBehaviour({ body, chunkSize: 4096 })
    const gated = gatedHooks()
    gated.openGate()
    const relay = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm' }, gated.hooks)
    try {
      const res = await chat(relay.url, userMessage('hi'))
      const frames = dataFrames(res.text)
      expect(frames).not.toContain('[DONE]')
      expect(JSON.parse(frames.at(-1)!).error.code).toBe('content_blocked')
      expect(res.text).not.toContain('违禁')
      expect(res.text).not.toContain('第三句')
    } finally {
      emu.setBehaviour({})
      await relay.close()
    }
  })

  it('stream: false answers are checked whole before anything is sent', async () => {
    const gated = gatedHooks()
    gated.openGate()
    const relay = await startTestRelay({ RELAY_MODELS: 'demo' }, gated.hooks)
    try {
      const passed = await chat(relay.url, userMessage('你好', { stream: false }))
      expect(passed.status).toBe(200)
      expect(gated.asked.join('')).toContain(JSON.parse(passed.text).choices[0].message.content.slice(-20))
      const refusing: RelayHooks = {
        outputCheck: () => ({
          ...gated.hooks.outputCheck!({} as never)!,
          check: async () => {
            throw new RelayError(400, 'content_blocked', '回答内容未通过安全检查')
          },
        }),
      }
      const strict = await startTestRelay({ RELAY_MODELS: 'demo' }, refusing)
      try {
        const refused = await chat(strict.url, userMessage('你好', { stream: false }))
        expect(refused.status).toBe(400)
        expect(JSON.parse(refused.text).error.code).toBe('content_blocked')
        expect(refused.text).not.toContain('演示')
      } finally {
        await strict.close()
      }
    } finally {
      await relay.close()
    }
  })
})
