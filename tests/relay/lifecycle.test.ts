import { loadConfig } from '../../relay/src/config'
import { startUpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, startTestRelay, userMessage, waitFor } from './helpers'

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      upstream: null,
      models: ['demo'],
      tokens: [],
      heartbeatMs: 10000,
      commitMs: 2000,
      idleTimeoutMs: 60000,
      maxBodyBytes: 1048576,
      rateLimit: 0,
      redisUrl: null,
      demoDelayMs: 30,
    })
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['RELAY_HEARTBEAT_MS', '-5'],
    ['RELAY_RATE_LIMIT', '1.5'],
    ['UPSTREAM_BASE_URL', 'not a url'],
    ['UPSTREAM_BASE_URL', 'ftp://x'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name)
  })

  it('refuses an upstream key with a line break (it would split the header it goes into)', () => {
    const env = { UPSTREAM_BASE_URL: 'https://api.example.com/v1', UPSTREAM_API_KEY: 'sk-abc\r\nX-Evil: 1' }
    expect(() => loadConfig(env)).toThrow('UPSTREAM_API_KEY')
  })

  it('parses lists and trims the base URL', () => {
    const config = loadConfig({ UPSTREAM_BASE_URL: 'https://api.deepseek.com/v1/', RELAY_MODELS: ' a , b ,' })
    expect(config.upstream).toEqual({ baseUrl: 'https://api.deepseek.com/v1', apiKey: '' })
    expect(config.models).toEqual(['a', 'b'])
  })
})

describe('close()', () => {
  it('ends open streams with an error frame and aborts their upstream', async () => {
    const emu = await startUpstreamEmulator()
    emu.setBehaviour({ stallAfterBytes: 400 })
    const relay = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm' })
    const pending = chat(relay.url, userMessage('hi'))
    await waitFor(() => (emu.requests[0]?.bytesSent ?? 0) >= 400)
    await new Promise((r) => setTimeout(r, 50))
    await relay.close()
    const res = await pending
    const frames = dataFrames(res.text)
    expect(frames).not.toContain('[DONE]')
    expect(JSON.parse(frames.at(-1)!).error.code).toBe('relay_shutting_down')
    await emu.requests[0]!.closed
    expect(emu.requests[0]!.aborted).toBe(true)
    await emu.close()
  })
})
