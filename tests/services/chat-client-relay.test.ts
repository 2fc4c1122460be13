import type { ChatUpdate } from '../../miniprogram/lib/stream'
import { startChatRequest } from '../../miniprogram/services/chat-client'
import { fetchModels, testConnection } from '../../miniprogram/services/relay-api'
import { createRelay, loadConfig } from '../../relay/src/index'
import { installWx } from '../support/wx-request-double'
import { contentOf, terminal } from './chat-client-helpers'
import { createHttpWxRequest } from './http-wx-request'

/** The real relay (demo model, a static token) on a free loopback port, reached through a socket-backed wx.request. */
async function withRelay(
  env: NodeJS.ProcessEnv,
  run: (url: string, http: ReturnType<typeof createHttpWxRequest>) => Promise<void>,
) {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', RELAY_DEMO_DELAY_MS: '2', ...env })
  const relay = await createRelay(config, { logSink: () => {} })
  const http = createHttpWxRequest()
  const installed = installWx({ request: http.request })
  try {
    await run(relay.url, http)
  } finally {
    installed.uninstall()
    await relay.close()
  }
}

function chat(
  url: string,
  options: Partial<Parameters<typeof startChatRequest>[0]> = {},
  during?: (handle: { abort(): void }, updates: ChatUpdate[]) => void,
): Promise<ChatUpdate[]> {
  return new Promise((resolve) => {
    const updates: ChatUpdate[] = []
    const handle = startChatRequest({
      url: `${url}/v1/chat/completions`,
      body: { model: 'demo', messages: [{ role: 'user', content: '你好，请介绍一下你自己' }] },
      ...options,
      onUpdate(update) {
        updates.push(update)
        during?.(handle, updates)
        // Give anything emitted late a chance to show up before asserting.
        if (update.type !== 'delta') setTimeout(() => resolve(updates), 50)
      },
    })
  })
}

describe('chat client against the real relay over loopback HTTP', () => {
  test('streams the demo answer in several chunks and ends with done', async () => {
    await withRelay({ RELAY_TOKENS: 'secret' }, async (url, http) => {
      const updates = await chat(url, { token: 'secret' })
      expect(terminal(updates)).toMatchObject({ type: 'done' })
      expect(updates.filter((u) => u.type === 'delta').length).toBeGreaterThan(3)
      expect(contentOf(updates).length).toBeGreaterThan(10)
      expect(contentOf(updates)).not.toContain('\ufffd')
      expect(http.chunkCounts[0]).toBeGreaterThan(1)
    })
  })

  test('a wrong token is unauthorized with status 401', async () => {
    await withRelay({ RELAY_TOKENS: 'secret' }, async (url) => {
      const updates = await chat(url, { token: 'wrong' })
      expect(updates).toEqual([
        { type: 'error', code: 'unauthorized', status: 401, message: expect.stringContaining('访问令牌') },
      ])
    })
  })

  test('a body over the relay limit is too_large', async () => {
    await withRelay({ RELAY_MAX_BODY_BYTES: '200' }, async (url) => {
      const updates = await chat(url, {
        body: { model: 'demo', messages: [{ role: 'user', content: '长'.repeat(500) }] },
      })
      expect(terminal(updates)).toMatchObject({ type: 'error', code: 'too_large', status: 413 })
    })
  })

  test('non-streaming mode gets the whole answer as delta + done', async () => {
    await withRelay({}, async (url) => {
      const updates = await chat(url, { streaming: false })
      expect(updates.map((u) => u.type)).toEqual(['delta', 'done'])
      expect(contentOf(updates).length).toBeGreaterThan(10)
    })
  })

  test('abort mid-stream: one 已停止生成 and nothing after', async () => {
    // Short heartbeat: the relay leaves its heartbeat timer armed after a client abort (reported to the lead).
    await withRelay({ RELAY_DEMO_DELAY_MS: '20', RELAY_HEARTBEAT_MS: '200' }, async (url) => {
      const updates = await chat(url, {}, (handle, seen) => {
        if (seen.length === 2) handle.abort()
      })
      expect(updates).toHaveLength(3)
      expect(terminal(updates)).toEqual({ type: 'error', code: 'aborted', message: '已停止生成' })
    })
  })

  test('a refused connection is a network error', async () => {
    await withRelay({}, async () => {
      const updates = await chat('http://127.0.0.1:1')
      expect(terminal(updates)).toMatchObject({ type: 'error', code: 'network' })
    })
  })

  test('fetchModels and testConnection', async () => {
    await withRelay({ RELAY_TOKENS: 'secret', RELAY_MODELS: 'demo,other' }, async (url) => {
      await expect(fetchModels(url, 'secret')).resolves.toEqual(['demo', 'other'])
      await expect(testConnection(url, 'secret')).resolves.toMatchObject({
        ok: true,
        message: '连接成功，可用模型 2 个',
      })
      const refused = await testConnection(url, 'nope')
      expect(refused.ok).toBe(false)
      expect(refused.message).toMatch(/^已连接中转服务，但访问令牌无效/)
    })
  })
})
