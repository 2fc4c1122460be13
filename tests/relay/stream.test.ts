import { type ChatUpdate, createChatDecoder } from '../../miniprogram/lib/stream'
import { loadTranscript, transcriptNames } from '../fixtures/transcripts'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, startTestRelay, type TestRelay, userMessage, waitFor } from './helpers'

function decodeAll(bytes: Uint8Array): ChatUpdate[] {
  const updates: ChatUpdate[] = []
  const decoder = createChatDecoder((u) => updates.push(u))
  decoder.push(bytes)
  decoder.end()
  return updates
}

const KEY = 'sk-upstream-secret-key-1234567890'
let emu: UpstreamEmulator
let relay: TestRelay
/** Same relay settings without heartbeats, for byte-exact comparisons under a loaded CPU. */
let quiet: TestRelay

beforeAll(async () => {
  emu = await startUpstreamEmulator()
  relay = await startTestRelay({
    UPSTREAM_BASE_URL: emu.url,
    UPSTREAM_API_KEY: KEY,
    RELAY_MODELS: 'gpt-4o-mini,demo',
    RELAY_COMMIT_MS: '100',
    RELAY_HEARTBEAT_MS: '50',
    RELAY_IDLE_TIMEOUT_MS: '400',
  })
  quiet = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'gpt-4o-mini,demo' })
})
afterAll(async () => {
  await relay.close()
  await quiet.close()
  await emu.close()
})
beforeEach(() => emu.setBehaviour({}))

describe('pass-through', () => {
  it.each(transcriptNames())('forwards %s byte for byte with SSE headers', async (name) => {
    emu.setBehaviour({ transcript: name, chunkSize: 5, delayMs: 0 })
    const res = await chat(quiet.url, userMessage('你好'), { Authorization: 'Bearer client-token' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-cache, no-transform')
    expect(res.headers['x-accel-buffering']).toBe('no')
    expect(res.headers['content-encoding']).toBeUndefined()
    const transcript = Buffer.from(loadTranscript(name))
    expect(Buffer.compare(res.body.subarray(0, transcript.length), transcript)).toBe(0)
    // A transcript that stops without finishing gets the relay's error frame after it, nothing else.
    const rest = res.body.subarray(transcript.length).toString('utf8')
    expect(rest === '' || /^\n{0,2}data: \{"error":\{[^\n]*\}\}\n\n$/.test(rest)).toBe(true)
  })

  it('sends the upstream key, never the client Authorization, and asks for usage', async () => {
    await chat(relay.url, userMessage('hi', { model: 'gpt-4o-mini' }), {
      Authorization: 'Bearer client-token',
    })
    const seen = emu.requests.at(-1)!
    expect(seen.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(seen.json).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
    })
  })

  it('forwards each chunk as it arrives instead of buffering', async () => {
    emu.setBehaviour({ chunkSize: 40, delayMs: 30 })
    const res = await chat(relay.url, userMessage('hi'))
    // With 30 ms between upstream writes, a buffering relay would deliver a handful of chunks.
    expect(res.chunks.length).toBeGreaterThan(10)
  })
})

describe('first byte and heartbeats', () => {
  it('commits 200 with ": ok" after RELAY_COMMIT_MS, then heartbeats while the upstream is silent', async () => {
    emu.setBehaviour({ slowHeadersMs: 300 })
    const res = await chat(relay.url, userMessage('hi'))
    expect(res.status).toBe(200)
    expect(res.text.startsWith(': ok\n\n')).toBe(true)
    expect(res.firstByteMs).toBeLessThan(300)
    expect(res.text).toContain(': keep-alive\n\n')
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true)
  })

  it('never puts a heartbeat inside a line while the upstream stalls mid-event', async () => {
    const bytes = Buffer.from(loadTranscript('openai-basic'))
    const cut = bytes.indexOf('"content":"') + 5
    emu.setBehaviour({ stallAfterBytes: cut, chunkSize: 1000 })
    const res = await chat(relay.url, userMessage('hi'))
    const forwarded = res.body.subarray(0, cut)
    expect(Buffer.compare(forwarded, bytes.subarray(0, cut))).toBe(0)
    // The stalled line is closed before the error frame; no comment was spliced into it.
    expect(res.text.slice(cut).startsWith('\n\ndata: {"error"')).toBe(true)
  })
})

/** Events whose two `data:` lines are each exactly `width` bytes, so `width`-byte chunks end mid-event at a line start. */
function twoLineEvents(texts: string[], width: number): string {
  // Spaces go where JSON allows whitespace: after `"delta":`, or before the closing `}}]}`.
  const pad = (line: string, keep: number): string => {
    const missing = width - Buffer.byteLength(line) - 1
    if (missing < 0) throw new Error('line too long')
    const cut = line.length - keep
    return `${line.slice(0, cut)}${' '.repeat(missing)}${line.slice(cut)}\n`
  }
  const first = pad('data: {"choices":[{"delta":', 0)
  const events = texts.map((t) => `${first}${pad(`data: {"content":"${t}"}}]}`, 4)}\n`)
  const finish = 'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
  return `${events.join('')}${finish}data: [DONE]\n\n`
}

describe('heartbeats inside a slow stream', () => {
  it('go in at line starts only and never change what the stream means', async () => {
    const body = twoLineEvents(['你好', '，', 'world', '！', '流式', '输出'], 48)
    emu.setBehaviour({ body, chunkSize: 48, delayMs: 80 })
    const res = await chat(relay.url, userMessage('hi'))
    expect(res.text).toMatch(/delta":\s*\n: keep-alive\ndata: \{"content"/)
    expect(decodeAll(res.body)).toEqual(decodeAll(Buffer.from(body)))
    expect(decodeAll(res.body)[0]).toEqual({ type: 'delta', content: '你好' })
  })
})

describe('client disconnect', () => {
  it('aborts the upstream request as soon as the client goes away', async () => {
    emu.setBehaviour({ chunkSize: 20, delayMs: 20 })
    const before = emu.requests.length
    await chat(relay.url, userMessage('hi'), {}, { abortWhen: (text) => text.includes('"content"') })
    await waitFor(() => emu.requests.length > before)
    const seen = emu.requests.at(-1)!
    await seen.closed
    expect(seen.aborted).toBe(true)
    await waitFor(() => relay.logs.some((l) => l.includes('"clientAborted":true')))
  })
})

describe('error frames, never a made-up [DONE]', () => {
  const cases: Array<[string, Parameters<UpstreamEmulator['setBehaviour']>[0], string]> = [
    ['stall', { stallAfterBytes: 600 }, 'upstream_timeout'],
    ['cut connection', { cutAfterBytes: 600 }, 'upstream_disconnected'],
    ['malformed body', { malformed: true }, 'upstream_bad_response'],
    [
      'end without [DONE]',
      { body: 'data: {"choices":[{"delta":{"content":"half"}}]}\n\n' },
      'upstream_incomplete',
    ],
  ]
  it.each(cases)('%s → data: {"error"} and the end', async (_name, behaviour, code) => {
    emu.setBehaviour(behaviour)
    const res = await chat(relay.url, userMessage('hi'))
    expect(res.status).toBe(200)
    const frames = dataFrames(res.text)
    expect(frames).not.toContain('[DONE]')
    const last = JSON.parse(frames.at(-1)!)
    expect(last.error.code).toBe(code)
    expect(typeof last.error.message).toBe('string')
  })

  it('passes an in-band upstream error frame through and ends there', async () => {
    const body =
      'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"overloaded","code":"busy"}}\n\n'
    emu.setBehaviour({ body })
    const res = await chat(relay.url, userMessage('hi'))
    expect(res.text).toBe(body)
  })
})
