import type { ChatUpdate } from '../../miniprogram/lib/stream/index'
import { createSessionSigner } from '../../relay/src/wechat/session'
import {
  createWxRequestDouble,
  type InstalledWx,
  installWx,
  type WxResponse,
} from '../support/wx-request-double'

type AuthModule = typeof import('../../miniprogram/services/auth')

const RELAY = 'http://relay.test'
const CHAT_URL = `${RELAY}/v1/chat/completions`
const SSE =
  'data: {"choices":[{"index":0,"delta":{"content":"你好"}}]}\n\n' +
  'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'

/**
 * A relay as the app sees it, in the wx.request double: `/auth/wx-login` turns the wx.login
 * code into a real signed session token, `/v1/chat/completions` verifies it with the same signer.
 */
function fakeRelay(opts: { loginRoute?: boolean; loginFails?: boolean } = {}) {
  let secret = 'relay-session-secret-one-0123'
  const state = { logins: 0, chats: 0, tokensSeen: [] as Array<string | undefined> }
  const signer = () => createSessionSigner(secret, 3600)
  const respond = (o: WechatMiniprogram.RequestOption): WxResponse => {
    if (o.url === `${RELAY}/auth/wx-login`) {
      state.logins += 1
      if (opts.loginRoute === false) return { status: 404, body: '{"error":{"message":"not found"}}' }
      if (opts.loginFails) return { status: 503, body: '{"error":{"message":"微信服务暂时不可用"}}' }
      const code = (o.data as { code?: string }).code
      if (code !== 'test-code') return { status: 401, body: '{"error":{"code":"invalid_code"}}' }
      return { status: 200, body: JSON.stringify(signer().issue('o-app-user')) }
    }
    state.chats += 1
    const auth = (o.header as Record<string, string> | undefined)?.Authorization
    const token = auth?.replace(/^Bearer /, '')
    state.tokensSeen.push(token)
    if (opts.loginRoute === false && token === undefined) return { body: SSE }
    if (token === 'static-token') return { body: SSE }
    try {
      signer().verify(token ?? '')
    } catch {
      return { status: 401, body: '{"error":{"message":"登录凭证无效","code":"invalid_token"}}' }
    }
    return { body: SSE }
  }
  return {
    state,
    respond,
    rotateSecret() {
      secret = 'relay-session-secret-two-4567'
    },
  }
}

describe('services/auth: wx.login sessions for chat requests', () => {
  let env: InstalledWx
  let auth: AuthModule

  const send = (token?: string) =>
    new Promise<ChatUpdate[]>((resolve) => {
      const updates: ChatUpdate[] = []
      auth.startAuthorizedChatRequest({
        url: CHAT_URL,
        body: { model: 'demo', messages: [{ role: 'user', content: '你好' }] },
        ...(token ? { token } : {}),
        onUpdate(u) {
          updates.push(u)
          if (u.type !== 'delta') resolve(updates)
        },
      })
    })

  const install = (relay: ReturnType<typeof fakeRelay>) => {
    env = installWx({ request: createWxRequestDouble(relay.respond).request })
  }

  beforeEach(async () => {
    // The module keeps in-flight logins in memory; every test starts like a fresh app launch.
    jest.resetModules()
    auth = require('../../miniprogram/services/auth') as AuthModule
  })
  afterEach(() => env.uninstall())

  it('logs in on first use, stores the session and reuses it', async () => {
    const relay = fakeRelay()
    install(relay)
    const first = await send()
    expect(first.map((u) => u.type)).toEqual(['delta', 'done'])
    expect(env.recorded.login).toHaveLength(1)
    const stored = JSON.parse(env.storage.get(auth.SESSION_KEY)!)
    expect(stored).toMatchObject({ relayUrl: RELAY, token: expect.stringMatching(/^wxs1\./) })
    await send()
    expect(relay.state.logins).toBe(1)
    expect(relay.state.tokensSeen).toEqual([stored.token, stored.token])
  })

  it('shares one login between concurrent requests', async () => {
    const relay = fakeRelay()
    install(relay)
    await Promise.all([send(), send(), send()])
    expect(relay.state.logins).toBe(1)
    expect(env.recorded.login).toHaveLength(1)
  })

  it('on a 401 logs in again once, silently, and retries: the UI never sees the error', async () => {
    const relay = fakeRelay()
    install(relay)
    await send()
    relay.rotateSecret() // every stored token is now rejected, as after a secret rotation
    const updates = await send()
    expect(updates.map((u) => u.type)).toEqual(['delta', 'done'])
    expect(relay.state.logins).toBe(2)
    expect(relay.state.chats).toBe(3)
    expect(relay.state.tokensSeen[1]).not.toBe(relay.state.tokensSeen[2])
  })

  it('gives up after one re-login and reports one unauthorized error', async () => {
    const relay = fakeRelay({ loginFails: true })
    install(relay)
    const updates = await send()
    expect(updates).toEqual([
      { type: 'error', code: 'unauthorized', message: auth.LOGIN_FAILED, status: 401 },
    ])
    expect(relay.state.chats).toBe(1)
    expect(relay.state.logins).toBe(2)
  })

  it('uses the settings token as is, without wx.login', async () => {
    const relay = fakeRelay()
    install(relay)
    const updates = await send('static-token')
    expect(updates.map((u) => u.type)).toEqual(['delta', 'done'])
    expect(env.recorded.login).toBeUndefined()
    expect(relay.state.tokensSeen).toEqual(['static-token'])
  })

  it('works with a development relay that has no login route, asking only once', async () => {
    const relay = fakeRelay({ loginRoute: false })
    install(relay)
    expect((await send()).map((u) => u.type)).toEqual(['delta', 'done'])
    expect((await send()).map((u) => u.type)).toEqual(['delta', 'done'])
    expect(relay.state.logins).toBe(1)
    expect(relay.state.tokensSeen).toEqual([undefined, undefined])
  })

  it('an abort during login ends with one aborted error and sends no chat request', async () => {
    const relay = fakeRelay()
    install(relay)
    const updates: ChatUpdate[] = []
    const handle = auth.startAuthorizedChatRequest({
      url: CHAT_URL,
      body: {},
      onUpdate: (u) => updates.push(u),
    })
    handle.abort()
    await new Promise((r) => setTimeout(r, 50))
    expect(updates).toEqual([{ type: 'error', code: 'aborted', message: '已停止生成' }])
    expect(relay.state.chats).toBe(0)
  })

  it('ignores an expired or foreign stored session', () => {
    const relay = fakeRelay()
    install(relay)
    const now = Date.now()
    env.storage.set(
      auth.SESSION_KEY,
      JSON.stringify({ token: 't', expiresAt: now + 30_000, relayUrl: RELAY }),
    )
    expect(auth.readSession(RELAY, now)).toBeNull() // inside the renewal margin
    env.storage.set(
      auth.SESSION_KEY,
      JSON.stringify({ token: 't', expiresAt: now + 3600_000, relayUrl: 'http://x' }),
    )
    expect(auth.readSession(RELAY, now)).toBeNull()
    env.storage.set(
      auth.SESSION_KEY,
      JSON.stringify({ token: 't', expiresAt: now + 3600_000, relayUrl: RELAY }),
    )
    expect(auth.readSession(`${RELAY}/`, now)?.token).toBe('t')
  })
})
