/**
 * The client side of resumable generations, on fake time against a double of the relay's contract
 * that cuts every request at 60 s like WeChat does (tests/support/generation-relay-double.ts).
 */
import type { ChatUpdate } from '../../miniprogram/lib/stream/index'
import { type GenerationOptions, startGeneration } from '../../miniprogram/services/generation'
import { createGenerationRelayDouble, type GenerationScript } from '../support/generation-relay-double'
import { type InstalledWx, installWx } from '../support/wx-request-double'

const RELAY = 'http://127.0.0.1:8787'

/** A reasoning model's 5-minute answer: an event a second, Chinese and emoji, usage, [DONE]. */
function reasoningAnswer(): { script: GenerationScript; reasoning: string; content: string } {
  const events: string[] = []
  let reasoning = ''
  let content = ''
  for (let i = 0; i < 120; i++) {
    const piece = `思考第${i}步，`
    reasoning += piece
    events.push(JSON.stringify({ choices: [{ delta: { reasoning_content: piece } }] }))
  }
  for (let i = 0; i < 176; i++) {
    const piece = i % 7 === 0 ? `第${i}段🙂\n\n` : `答案${i}：中文与 emoji 🎉 `
    content += piece
    events.push(JSON.stringify({ choices: [{ delta: { content: piece } }] }))
  }
  events.push(JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }] }))
  events.push(
    JSON.stringify({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 300, total_tokens: 309 } }),
  )
  events.push('[DONE]')
  return { script: { events, intervalMs: 1000 }, reasoning, content }
}

interface Run {
  updates: ChatUpdate[]
  reconnects: boolean[]
  handle: ReturnType<typeof startGeneration>
  ended(): boolean
}

function run(overrides: Partial<GenerationOptions> = {}): Run {
  const updates: ChatUpdate[] = []
  const reconnects: boolean[] = []
  const handle = startGeneration({
    relayUrl: RELAY,
    body: { model: 'demo', messages: [{ role: 'user', content: '你好' }] },
    token: 'test-token',
    streaming: true,
    generationId: 'gen_abcdefgh1234',
    onUpdate: (u) => updates.push(u),
    onReconnecting: (on) => reconnects.push(on),
    ...overrides,
  })
  return { updates, reconnects, handle, ended: () => updates.some((u) => u.type !== 'delta') }
}

async function until(check: () => boolean, limitMs = 20 * 60_000): Promise<void> {
  for (let waited = 0; !check(); waited += 500) {
    if (waited > limitMs) throw new Error('fake time ran out')
    await jest.advanceTimersByTimeAsync(500)
  }
}

function joined(updates: ChatUpdate[], field: 'content' | 'reasoning'): string {
  return updates.map((u) => (u.type === 'delta' ? (u[field] ?? '') : '')).join('')
}

/** Network and app listeners the code under test registers, so a test can fire them. */
function lifecycle() {
  const network = new Set<(r: { isConnected: boolean; networkType: string }) => void>()
  const shows = new Set<() => void>()
  const hides = new Set<() => void>()
  return {
    extra: {
      onNetworkStatusChange: (cb: never) => network.add(cb),
      offNetworkStatusChange: (cb: never) => network.delete(cb),
      onAppShow: (cb: never) => shows.add(cb),
      offAppShow: (cb: never) => shows.delete(cb),
      onAppHide: (cb: never) => hides.add(cb),
      offAppHide: (cb: never) => hides.delete(cb),
    },
    network: (isConnected: boolean) => {
      for (const cb of [...network]) cb({ isConnected, networkType: isConnected ? 'wifi' : 'none' })
    },
    show: () => {
      for (const cb of [...shows]) cb()
    },
    hide: () => {
      for (const cb of [...hides]) cb()
    },
    listeners: () => network.size + shows.size + hides.size,
  }
}

describe('a resumable answer through WeChat cutting every request at 60 s', () => {
  let installed: InstalledWx
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => {
    installed?.uninstall()
    jest.useRealTimers()
  })

  test('a 5-minute reasoning answer completes byte-exact through several reattaches, started once', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script, { capMs: 60_000 })
    const app = lifecycle()
    installed = installWx({ request: relay.request, ...app.extra })
    const r = run()
    await until(r.ended)
    expect(r.updates.filter((u) => u.type !== 'delta')).toEqual([
      {
        type: 'done',
        finishReason: 'stop',
        usage: { promptTokens: 9, completionTokens: 300, totalTokens: 309 },
        eventId: String(answer.script.events.length),
      },
    ])
    expect(joined(r.updates, 'reasoning')).toBe(answer.reasoning)
    expect(joined(r.updates, 'content')).toBe(answer.content)
    // Every text event exactly once, in order: nothing repeated, nothing skipped.
    const ids = r.updates.flatMap((u) => (u.type === 'delta' ? [Number(u.eventId)] : []))
    expect(ids).toEqual(Array.from({ length: 296 }, (_, i) => i + 1))
    expect(relay.log.starts).toBe(1)
    const reattaches = relay.log.requests.filter((q) => q.method === 'GET')
    expect(reattaches.length).toBeGreaterThanOrEqual(4)
    for (const q of reattaches) expect(q.path).toBe('/v1/generations/gen_abcdefgh1234/stream')
    expect(r.reconnects[0]).toBe(true)
    expect(r.reconnects[r.reconnects.length - 1]).toBe(false)
    expect(app.listeners()).toBe(0)
  })

  test('a dropped network: no hammering while offline, reattach at once when it is back', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script)
    const app = lifecycle()
    installed = installWx({ request: relay.request, ...app.extra })
    const r = run()
    await jest.advanceTimersByTimeAsync(30_000)
    relay.drop()
    app.network(false)
    await jest.advanceTimersByTimeAsync(90_000)
    const whileOffline = relay.log.requests.length
    expect(whileOffline).toBeLessThanOrEqual(3)
    expect(r.ended()).toBe(false)
    relay.restore()
    app.network(true)
    await until(r.ended)
    expect(joined(r.updates, 'content')).toBe(answer.content)
    expect(joined(r.updates, 'reasoning')).toBe(answer.reasoning)
    expect(relay.log.starts).toBe(1)
  })

  test('the app hidden then shown: it waits while hidden and resumes on show', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script)
    const app = lifecycle()
    installed = installWx({ request: relay.request, ...app.extra })
    const r = run()
    await jest.advanceTimersByTimeAsync(20_000)
    app.hide()
    installed.hideApp()
    relay.drop()
    await jest.advanceTimersByTimeAsync(120_000)
    expect(relay.log.requests.length).toBeLessThanOrEqual(2)
    relay.restore()
    app.show()
    await until(r.ended)
    expect(joined(r.updates, 'content')).toBe(answer.content)
    expect(relay.log.starts).toBe(1)
  })

  test('after the app was killed: resuming from the stored event id finishes the same text', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script, { capMs: 60_000 })
    const app = lifecycle()
    installed = installWx({ request: relay.request, ...app.extra })
    const first = run()
    await jest.advanceTimersByTimeAsync(45_000)
    // The process dies here: what was shown (and stored) is all it kept.
    first.handle.detach()
    const shown = first.updates.slice()
    const lastEventId = shown[shown.length - 1]?.eventId ?? ''
    expect(Number(lastEventId)).toBeGreaterThan(30)
    await jest.advanceTimersByTimeAsync(100_000)
    const second = run({ resumeFrom: lastEventId })
    await until(second.ended)
    expect(joined([...shown, ...second.updates], 'reasoning')).toBe(answer.reasoning)
    expect(joined([...shown, ...second.updates], 'content')).toBe(answer.content)
    expect(relay.log.requests[relay.log.requests.length - 1]).toMatchObject({ method: 'GET' })
    expect(relay.log.requests.find((q) => q.method === 'GET')?.lastEventId).toBe(lastEventId)
    expect(relay.log.starts).toBe(1)
  })

  test('stop during a reattach cancels the generation and ends with one aborted error', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script)
    const app = lifecycle()
    installed = installWx({ request: relay.request, ...app.extra })
    const r = run()
    await jest.advanceTimersByTimeAsync(10_000)
    relay.drop()
    await jest.advanceTimersByTimeAsync(2_000)
    expect(r.reconnects).toContain(true)
    relay.restore()
    r.handle.stop()
    await jest.advanceTimersByTimeAsync(60_000)
    expect(r.updates.filter((u) => u.type !== 'delta')).toEqual([
      { type: 'error', code: 'aborted', message: '已停止生成' },
    ])
    expect(relay.log.cancels).toBe(1)
    const after = relay.log.requests.filter((q) => q.path.endsWith('/stream'))
    await jest.advanceTimersByTimeAsync(60_000)
    expect(relay.log.requests.filter((q) => q.path.endsWith('/stream'))).toEqual(after)
    expect(app.listeners()).toBe(0)
  })

  test('a generation gone on reattach (expired) ends interrupted, keeping what arrived', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script, { capMs: 60_000 })
    installed = installWx({ request: relay.request, ...lifecycle().extra })
    const r = run()
    await jest.advanceTimersByTimeAsync(59_000)
    relay.expire('gen_abcdefgh1234')
    await until(r.ended)
    const final = r.updates[r.updates.length - 1]
    expect(final).toMatchObject({ type: 'error', code: 'timeout' })
    expect(joined(r.updates, 'reasoning').length).toBeGreaterThan(100)
  })

  test('a relay without generations (no echoed id): a lost connection is reported, not retried', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script, { capMs: 60_000, echoId: false })
    installed = installWx({ request: relay.request, ...lifecycle().extra })
    const r = run()
    await until(r.ended)
    expect(r.updates[r.updates.length - 1]).toMatchObject({ type: 'error', code: 'timeout' })
    expect(relay.log.requests).toHaveLength(1)
  })

  test('a relay that never answers (down, wrong URL): one quick retry, then the error, no minutes of waiting', async () => {
    const answer = reasoningAnswer()
    const relay = createGenerationRelayDouble(answer.script)
    installed = installWx({ request: relay.request, ...lifecycle().extra })
    relay.drop()
    const r = run()
    await jest.advanceTimersByTimeAsync(3_000)
    expect(r.ended()).toBe(true)
    expect(r.updates[r.updates.length - 1]).toMatchObject({ type: 'error', code: 'network' })
    expect(relay.log.requests.map((q) => q.method)).toEqual(['POST', 'POST'])
  })
})
