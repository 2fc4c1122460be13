import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { RelayError } from '../../relay/src/errors'
import type { RelayHooks } from '../../relay/src/hooks'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, startTestRelay, type TestRelay, userMessage } from './helpers'

let emu: UpstreamEmulator
let relay: TestRelay
beforeAll(async () => {
  emu = await startUpstreamEmulator()
  relay = await startTestRelay({ UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm', RELAY_MAX_TOKENS: '100' })
})
afterAll(async () => {
  await relay.close()
  await emu.close()
})

/** What the upstream received for the last request. */
const forwarded = () => emu.requests.at(-1)!.json!

describe('only an allow-list of OpenAI fields reaches the upstream', () => {
  it('n, service_tier, store, logit_bias and unknown fields stay with the relay; one choice is asked for', async () => {
    const res = await chat(
      relay.url,
      userMessage('hi', {
        n: 64,
        service_tier: 'priority',
        store: true,
        logit_bias: { 1: 100 },
        metadata: { a: 'b' },
        prediction: { type: 'content', content: 'x'.repeat(100) },
        temperature: 0.5,
        stop: ['\n\n'],
        seed: 7,
        user: 'u-1',
      }),
    )
    expect(res.status).toBe(200)
    const body = forwarded()
    for (const field of ['n', 'service_tier', 'store', 'logit_bias', 'metadata', 'prediction']) {
      expect(body).not.toHaveProperty(field)
    }
    expect(body).toMatchObject({ temperature: 0.5, stop: ['\n\n'], seed: 7, user: 'u-1', stream: true })
  })

  it('fields a client adds to a message stay with the relay too', async () => {
    await chat(relay.url, {
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'hi', cache_control: { type: 'ephemeral' }, name: 'alice' }],
    })
    expect(forwarded().messages).toEqual([{ role: 'user', content: 'hi', name: 'alice' }])
  })

  it('max_tokens is always sent, capped at RELAY_MAX_TOKENS', async () => {
    await chat(relay.url, userMessage('hi'))
    expect(forwarded().max_tokens).toBe(100)
    await chat(relay.url, userMessage('hi', { max_tokens: 5000, stream: false }))
    expect(forwarded().max_tokens).toBe(100)
    await chat(relay.url, userMessage('hi', { max_tokens: 40 }))
    expect(forwarded().max_tokens).toBe(40)
    // A client that speaks max_completion_tokens (OpenAI's reasoning models refuse max_tokens) keeps it, capped.
    await chat(relay.url, userMessage('hi', { max_completion_tokens: 5000 }))
    expect(forwarded().max_completion_tokens).toBe(100)
    expect(forwarded()).not.toHaveProperty('max_tokens')
  })

  it.each([
    ['n 0', { n: 0 }],
    ['n "2"', { n: '2' }],
    ['stop of five', { stop: ['a', 'b', 'c', 'd', 'e'] }],
    ['presence_penalty 3', { presence_penalty: 3 }],
    ['reasoning_effort "max"', { reasoning_effort: 'max' }],
    ['response_format "json"', { response_format: 'json' }],
    ['seed 1.5', { seed: 1.5 }],
  ])('a malformed %s is a 400', async (_name, extra) => {
    const res = await chat(relay.url, userMessage('hi', extra))
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).error.code).toBe('invalid_parameter')
  })

  it('tools are refused unless RELAY_ALLOW_TOOLS is set', async () => {
    const before = emu.requests.length
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }
    for (const extra of [{ tools: [tool] }, { tool_choice: 'auto' }, { functions: [tool.function] }]) {
      const res = await chat(relay.url, userMessage('hi', extra))
      expect(res.status).toBe(400)
      expect(JSON.parse(res.text).error.message).toContain('RELAY_ALLOW_TOOLS')
    }
    expect(emu.requests.length).toBe(before)
  })
})

describe('with RELAY_ALLOW_TOOLS=1', () => {
  // As OpenAI streams them: the name in the first delta only, the arguments in pieces.
  const toolCall = (args: string, name?: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...(name ? { id: 'c1', type: 'function' } : {}), function: { ...(name ? { name } : {}), arguments: args } }] }, finish_reason: null }] })}\n\n`
  const body = `${toolCall('{"cmd":"rm ', 'run')}${toolCall('-rf /"}')}data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\ndata: [DONE]\n\n`
  const refusing: RelayHooks = {
    outputCheck: () => ({
      maxChars: 2500,
      minChars: 1,
      holdMs: 50,
      check: async (text) => {
        if (text.includes('rm -rf')) throw new RelayError(400, 'content_blocked', '内容未通过安全检查')
      },
    }),
  }

  it('tools and tool turns are forwarded, checked', async () => {
    const tools = await startTestRelay({
      UPSTREAM_BASE_URL: emu.url,
      RELAY_MODELS: 'm',
      RELAY_ALLOW_TOOLS: '1',
    })
    try {
      const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }
      const messages = [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '晴' },
      ]
      const res = await chat(tools.url, {
        model: 'm',
        stream: true,
        messages,
        tools: [tool],
        tool_choice: 'auto',
      })
      expect(res.status).toBe(200)
      expect(forwarded()).toMatchObject({ tools: [tool], tool_choice: 'auto', messages })
      const badTools = await chat(tools.url, userMessage('hi', { tools: [{ type: 'retrieval' }] }))
      expect(badTools.status).toBe(400)
    } finally {
      await tools.close()
    }
  })

  it('tool-call arguments are content-checked like text, streamed', async () => {
    emu.setBehaviour({ body, chunkSize: 4096 })
    const tools = await startTestRelay(
      { UPSTREAM_BASE_URL: emu.url, RELAY_MODELS: 'm', RELAY_ALLOW_TOOLS: '1' },
      refusing,
    )
    try {
      const res = await chat(tools.url, userMessage('clean up'))
      // The refused arguments never reach the client; the stream ends with the refusal.
      expect(res.text).not.toContain('-rf')
      expect(JSON.parse(dataFrames(res.text).at(-1)!).error.code).toBe('content_blocked')
    } finally {
      emu.setBehaviour({})
      await tools.close()
    }
  })

  it('tool-call arguments are content-checked like text, in a stream: false answer', async () => {
    const answer = {
      id: 'c',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'run', arguments: '{"cmd":"rm -rf /"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    }
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(answer))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
    const tools = await startTestRelay(
      { UPSTREAM_BASE_URL: url, RELAY_MODELS: 'm', RELAY_ALLOW_TOOLS: '1' },
      refusing,
    )
    try {
      const res = await chat(tools.url, userMessage('clean up', { stream: false }))
      expect(res.status).toBe(400)
      expect(JSON.parse(res.text).error.code).toBe('content_blocked')
      expect(res.text).not.toContain('rm -rf')
    } finally {
      await tools.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
