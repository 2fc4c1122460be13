import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRelayApp, loadConfig, type RelayApp, type RelayHooks } from '../../relay/src/index'
import { chat, dataFrames, request, userMessage, waitFor } from './helpers'

// The relay as a request listener (createRelayApp), with no listen() of its own: mounted here in a
// server the test owns, next to a route of the test's, the way an embedding program would.

interface Mounted {
  url: string
  app: RelayApp
  logs: string[]
  close(): Promise<void>
}

async function mount(env: Record<string, string> = {}, hooks?: RelayHooks): Promise<Mounted> {
  const logs: string[] = []
  const config = loadConfig({ RELAY_DEMO_DELAY_MS: '0', ...env })
  const app = createRelayApp(config, { hooks, logSink: (line) => logs.push(line) })
  const server = http.createServer((req, res) => {
    if (req.url === '/own') {
      res.end('not the relay')
      return
    }
    app.handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    app,
    logs,
    async close() {
      await app.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

let mounted: Mounted | null = null
afterEach(async () => {
  await mounted?.close()
  mounted = null
})

describe('the relay app in a server of its host', () => {
  it('answers its routes and leaves the rest to the host', async () => {
    mounted = await mount()
    expect((await request(`${mounted.url}/own`)).text).toBe('not the relay')
    expect(JSON.parse((await request(`${mounted.url}/healthz`)).text)).toEqual({ ok: true, upstream: 'demo' })
    const res = await chat(mounted.url, userMessage('你好'))
    expect(res.status).toBe(200)
    expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
    expect(mounted.logs.some((line) => line.includes('"msg":"chat"'))).toBe(true)
  })

  it('routes by table: hook routes add paths or replace built-in ones, and 405 names every method', async () => {
    const hooks: RelayHooks = {
      routes: {
        'POST /auth/ping': async (_req, res) => {
          res.end('pong')
        },
        'GET /healthz': async (_req, res, config) => {
          res.end(`custom ${config.models.join(',')}`)
        },
      },
    }
    mounted = await mount({}, hooks)
    expect((await request(`${mounted.url}/auth/ping`, { method: 'POST' })).text).toBe('pong')
    expect((await request(`${mounted.url}/healthz`)).text).toBe('custom demo')
    const wrong = await request(`${mounted.url}/auth/ping`)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.allow).toBe('POST')
    expect((await request(`${mounted.url}/v1/chat/completions?x=1`, { method: 'PUT' })).status).toBe(405)
    expect((await request(`${mounted.url}/nothing/here`)).status).toBe(404)
  })

  it('close() ends the streams it is serving with an error frame, in the host server', async () => {
    mounted = await mount({ RELAY_DEMO_DELAY_MS: '200' })
    const pending = chat(mounted.url, userMessage('你好'))
    // The demo sends a token every 200 ms: the stream is open, not finished.
    await new Promise((resolve) => setTimeout(resolve, 300))
    await mounted.app.close()
    const res = await pending
    expect(res.status).toBe(200)
    expect(JSON.parse(dataFrames(res.text).at(-1)!).error.code).toBe('relay_shutting_down')
    await waitFor(() => mounted!.logs.some((line) => line.includes('"msg":"chat"')))
  })
})
