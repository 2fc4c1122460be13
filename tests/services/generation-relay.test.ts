/**
 * The real client (miniprogram/services/generation.ts) against the real relay over loopback HTTP,
 * through a wx.request that cuts every request after CUT_MS like WeChat's cap: the answer must
 * complete byte-exact through the reattaches, generated upstream once.
 */
import { type ChatUpdate, createChatDecoder } from '../../miniprogram/lib/stream'
import { startGeneration } from '../../miniprogram/services/generation'
import { createRelay, loadConfig, type Relay } from '../../relay/src/index'
import { loadTranscript } from '../fixtures/transcripts'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { installWx } from '../support/wx-request-double'
import { createHttpWxRequest } from './http-wx-request'

const TOKEN = 'client-token'
/** Every request is cut this long after it started ("request:fail timeout"). */
const CUT_MS = 300
/** The upstream takes about 2 s for the whole transcript: several cuts. */
const SLOW = { transcript: 'deepseek-reasoner', chunkSize: 256, delayMs: 10 }

let emu: UpstreamEmulator
let relay: Relay

beforeAll(async () => {
  emu = await startUpstreamEmulator()
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', UPSTREAM_BASE_URL: emu.url, RELAY_TOKENS: TOKEN })
  relay = await createRelay(config, { logSink: () => undefined })
})

afterAll(async () => {
  await relay.close()
  await emu.close()
})

/** What the transcript shows when read uninterrupted. */
function expected(): { content: string; reasoning: string } {
  let content = ''
  let reasoning = ''
  const decoder = createChatDecoder((u) => {
    if (u.type !== 'delta') return
    content += u.content ?? ''
    reasoning += u.reasoning ?? ''
  })
  decoder.push(loadTranscript('deepseek-reasoner'))
  decoder.end()
  return { content, reasoning }
}

/**
 * Runs one answer through a cutting wx.request. `onReattach` is called just after each reattach
 * (`GET …/stream`) is sent, with the answer's handle.
 */
function answer(
  generationId: string,
  onReattach: (handle: ReturnType<typeof startGeneration>) => void = () => undefined,
) {
  const http = createHttpWxRequest()
  let handle: ReturnType<typeof startGeneration> | null = null
  const installed = installWx({
    request: (options: WechatMiniprogram.RequestOption) => {
      const task = http.request({ ...options, timeout: CUT_MS })
      if (options.method === 'GET' && handle) onReattach(handle)
      return task
    },
  })
  const updates: ChatUpdate[] = []
  const finished = new Promise<ChatUpdate[]>((resolve) => {
    handle = startGeneration({
      relayUrl: relay.url,
      body: {
        model: 'deepseek-reasoner',
        stream: true,
        messages: [{ role: 'user', content: '为什么天空是蓝色的？' }],
      },
      token: TOKEN,
      streaming: true,
      generationId,
      onUpdate(update) {
        updates.push(update)
        if (update.type !== 'delta') resolve(updates)
      },
    })
  })
  return { http, finished: finished.finally(() => installed.uninstall()) }
}

describe('the real generation client against the real relay, every request cut after 300 ms', () => {
  beforeEach(() => emu.setBehaviour(SLOW))

  test('the answer completes byte-exact through several reattaches, generated upstream once', async () => {
    const before = emu.requests.length
    const { http, finished } = answer('client_relay_gen_1')
    const updates = await finished
    const want = expected()
    expect(updates.at(-1)).toMatchObject({ type: 'done' })
    const text = (field: 'content' | 'reasoning') =>
      updates.map((u) => (u.type === 'delta' ? (u[field] ?? '') : '')).join('')
    expect(text('reasoning')).toBe(want.reasoning)
    expect(text('content')).toBe(want.content)
    const ids = updates.flatMap((u) => (u.eventId === undefined ? [] : [Number(u.eventId)]))
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    expect(new Set(ids).size).toBe(ids.length)
    const reattaches = http.calls.filter((c) => c.method === 'GET')
    expect(reattaches.length).toBeGreaterThanOrEqual(2)
    for (const c of reattaches) expect(c.url).toBe(`${relay.url}/v1/generations/client_relay_gen_1/stream`)
    expect(emu.requests.length - before).toBe(1)
  })

  test('stop during a reattach cancels the generation on the relay: upstream closed, one aborted update', async () => {
    const at = emu.requests.length
    const id = 'client_relay_gen_2'
    // Stopped while the first reattach is in flight.
    const { http, finished } = answer(id, (handle) => setTimeout(() => handle.stop(), 5))
    const updates = await finished
    expect(updates.at(-1)).toMatchObject({ type: 'error', code: 'aborted' })
    expect(updates.filter((u) => u.type !== 'delta')).toHaveLength(1)
    await emu.requests[at]?.closed
    expect(emu.requests[at]?.aborted).toBe(true)
    expect(http.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'POST /v1/chat/completions',
      `GET /v1/generations/${id}/stream`,
      `POST /v1/generations/${id}/cancel`,
    ])
    const replay = await fetch(`${relay.url}/v1/generations/${id}/stream`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    })
    const body = await replay.text()
    expect(body).not.toContain('[DONE]')
    expect(body.trimEnd().split('\n').at(-1)).toContain('"code":"cancelled"')
  })
})
