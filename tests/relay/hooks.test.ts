import { RelayError } from '../../relay/src/errors'
import type { RelayContext, RelayHooks, UsageInfo } from '../../relay/src/hooks'
import { loadTranscript } from '../fixtures/transcripts'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, request, startTestRelay, userMessage } from './helpers'

let emu: UpstreamEmulator
beforeAll(async () => {
  emu = await startUpstreamEmulator()
})
afterAll(() => emu.close())

describe('RelayHooks', () => {
  it('authenticate, beforeUpstream, onOutputText, onUsage and onEnd see one streamed answer', async () => {
    const seen: { texts: string[]; usage: UsageInfo[]; ended: RelayContext[]; user?: string } = {
      texts: [],
      usage: [],
      ended: [],
    }
    const hooks: RelayHooks = {
      authenticate: async (req) =>
        req.headers['x-session'] === 'ok' ? { userId: 'wx:1', openid: 'o1' } : null,
      beforeUpstream: async (ctx) => {
        seen.user = ctx.user.userId
      },
      onOutputText: async (_ctx, text) => {
        seen.texts.push(text)
      },
      onUsage: async (_ctx, usage) => {
        seen.usage.push(usage)
      },
      onEnd: async (ctx) => {
        seen.ended.push(ctx)
      },
    }
    const relay = await startTestRelay(
      { UPSTREAM_BASE_URL: emu.url, RELAY_TOKENS: 'static-token-xyz' },
      hooks,
    )
    try {
      expect((await chat(relay.url, userMessage('hi', { model: 'm' }))).status).toBe(401)
      const res = await chat(relay.url, userMessage('hi', { model: 'm' }), { 'x-session': 'ok' })
      expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
      expect(seen.user).toBe('wx:1')
      expect(seen.texts.join('')).toContain('你好')
      expect(seen.usage).toHaveLength(1)
      expect(seen.usage[0]!.total_tokens).toBeGreaterThan(0)
      expect(seen.ended).toHaveLength(1)
    } finally {
      await relay.close()
    }
  })

  it('beforeUpstream can refuse with its own status and code; the upstream is not called', async () => {
    const relay = await startTestRelay(
      { UPSTREAM_BASE_URL: emu.url },
      {
        beforeUpstream: async () => {
          throw new RelayError(429, 'quota_exceeded', '今日额度已用完', { 'Retry-After': '3600' })
        },
      },
    )
    const before = emu.requests.length
    try {
      const res = await chat(relay.url, userMessage('hi', { model: 'm' }))
      expect(res.status).toBe(429)
      expect(res.headers['retry-after']).toBe('3600')
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'quota_exceeded', message: '今日额度已用完' })
      expect(emu.requests.length).toBe(before)
    } finally {
      await relay.close()
    }
  })

  it.each(['upstream', 'demo'])(
    'onOutputText refusing stops the %s stream with its error code',
    async (kind) => {
      const hooks: RelayHooks = {
        onOutputText: async (_ctx, text) => {
          if (/[我是]|demo|演示/.test(text)) throw new RelayError(400, 'content_blocked', '内容不合规')
        },
      }
      const env: Record<string, string> = kind === 'upstream' ? { UPSTREAM_BASE_URL: emu.url } : {}
      const relay = await startTestRelay(env, hooks)
      try {
        const res = await chat(relay.url, userMessage('hi', { model: kind === 'upstream' ? 'm' : 'demo' }))
        const frames = dataFrames(res.text)
        expect(frames).not.toContain('[DONE]')
        expect(JSON.parse(frames.at(-1)!).error).toMatchObject({
          code: 'content_blocked',
          message: '内容不合规',
        })
      } finally {
        await relay.close()
      }
    },
  )

  const noDoneBody =
    'data: {"choices":[{"delta":{"content":"完整"},"finish_reason":null}]}\n\n' +
    'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
  it.each([
    ['upstream with [DONE]', 'm', {}],
    ['upstream ending without [DONE]', 'm', { body: noDoneBody }],
    ['demo', 'demo', {}],
  ])('onOutputEnd refusing holds back the end of the %s stream', async (_name, model, behaviour) => {
    emu.setBehaviour(behaviour)
    let texts = ''
    const hooks: RelayHooks = {
      onOutputText: async (_ctx, text) => {
        texts += text
      },
      onOutputEnd: async () => {
        if (texts.length > 0) throw new RelayError(400, 'content_blocked', '内容不合规')
      },
    }
    const relay = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm,demo' }, hooks)
    try {
      const res = await chat(relay.url, userMessage('hi', { model }))
      const frames = dataFrames(res.text)
      expect(frames).not.toContain('[DONE]')
      expect(JSON.parse(frames.at(-1)!).error.code).toBe('content_blocked')
    } finally {
      emu.setBehaviour({})
      await relay.close()
    }
  })

  it('onOutputEnd passing lets the upstream [DONE] through unchanged', async () => {
    let ended = 0
    const relay = await startTestRelay(
      { UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm' },
      {
        onOutputEnd: async () => {
          ended++
        },
      },
    )
    try {
      const res = await chat(relay.url, userMessage('hi'))
      expect(res.text).toBe(Buffer.from(loadTranscript('openai-basic')).toString('utf8'))
      expect(ended).toBe(1)
    } finally {
      await relay.close()
    }
  })

  it('custom routes run before authentication', async () => {
    const relay = await startTestRelay(
      { RELAY_TOKENS: 'static-token-xyz' },
      {
        routes: {
          'POST /v1/auth/login': async (_req, res) => {
            res.writeHead(200, { 'Content-Type': 'application/json' })
            res.end('{"token":"t"}')
          },
        },
      },
    )
    try {
      const res = await request(`${relay.url}/v1/auth/login`, { method: 'POST', body: '{}' })
      expect(res.status).toBe(200)
      expect(res.text).toBe('{"token":"t"}')
    } finally {
      await relay.close()
    }
  })
})
