import { createRelay, loadConfig, type Relay } from '../../relay/src/index'
import { createWechatHooks, loadWechatConfig, type WechatHooks } from '../../relay/src/wechat'
import type { WechatEmulator } from '../support/wechat-emulator'

/** A relay wired with the WeChat hooks, its log lines and a movable clock. */
export interface WechatRelay {
  relay: Relay
  hooks: WechatHooks
  logs: string[]
  close(): Promise<void>
}

export const SESSION_SECRET = 'integration-session-secret-0123456789'
export const UPSTREAM_KEY = 'sk-upstream-key-never-leak-0123456789'

/** Env of a relay logging in through the emulator; `extra` adds or overrides variables. */
export function wechatEnv(wx: WechatEmulator, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    RELAY_DEMO_DELAY_MS: '0',
    WX_API_BASE: wx.url,
    WX_APPID: wx.appid,
    WX_SECRET: wx.secret,
    RELAY_SESSION_SECRET: SESSION_SECRET,
    ...extra,
  }
}

/** Starts createRelay with `createWechatHooks(loadWechatConfig(env))`, as main.ts wires it. */
export async function startWechatRelay(env: NodeJS.ProcessEnv, now?: () => number): Promise<WechatRelay> {
  const logs: string[] = []
  const sink = (line: string): void => {
    logs.push(line)
  }
  const config = loadConfig(env)
  const wechat = loadWechatConfig(env)
  if (!wechat) throw new Error('WeChat layer not configured')
  const hooks = createWechatHooks({ ...wechat, logSink: sink, ...(now ? { now } : {}) })
  const relay = await createRelay(config, { hooks, logSink: sink })
  return {
    relay,
    hooks,
    logs,
    async close() {
      await relay.close()
      await hooks.close()
    },
  }
}

/** A parsed HTTP answer. */
export interface Answer {
  status: number
  headers: Headers
  text: string
  json: { error?: { message: string; type: string; code: string } } & Record<string, unknown>
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text()
  let json: Answer['json'] = {}
  try {
    json = JSON.parse(text)
  } catch {
    // An event stream, not JSON.
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** POST /auth/wx-login with a code the emulator issued for `openid`. */
export async function login(
  relayUrl: string,
  code: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(`${relayUrl}/auth/wx-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ code }),
    }),
  )
}

/** One streamed chat request; resolves with the whole body once the stream ends. */
export async function chat(
  relayUrl: string,
  token: string | null,
  content = '你好',
  extra: { headers?: Record<string, string>; model?: string; stream?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra.headers }
  if (token) headers.authorization = `Bearer ${token}`
  return answer(
    await fetch(`${relayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: extra.model ?? 'demo',
        stream: extra.stream ?? true,
        messages: [{ role: 'user', content }],
      }),
    }),
  )
}

/** The answer text carried by an SSE body's content deltas. */
export function streamedText(sse: string): string {
  let text = ''
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue
    try {
      const chunk = JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }
      text += chunk.choices?.[0]?.delta?.content ?? ''
    } catch {
      // Not a chunk.
    }
  }
  return text
}

/** The `error` of the stream's error frame, if it ended with one. */
export function errorFrame(sse: string): { code: string; message: string } | null {
  const line = sse.split('\n').find((l) => l.startsWith('data: {"error"'))
  return line ? (JSON.parse(line.slice(6)) as { error: { code: string; message: string } }).error : null
}

/** An upstream SSE body whose answer is `pieces`, ending with usage and `[DONE]`. */
export function sseBody(pieces: string[], completionTokens = 7): string {
  const frame = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
  const usage = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: completionTokens, total_tokens: 3 + completionTokens } })}\n\n`
  return `${frame({ role: 'assistant', content: '' })}${pieces.map((p) => frame({ content: p })).join('')}${frame({}, 'stop')}${usage}data: [DONE]\n\n`
}
