import { readFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { loadConfig } from '../../relay/src/config'
import { createUpstreamClient, NEVER, type UpstreamClient } from '../../relay/src/upstream/client'
import { UpstreamConnectionError } from '../../relay/src/upstream/errors'
import { readText } from '../../relay/src/upstream/read-body'
import { type ConnectProxy, startConnectProxy } from '../support/connect-proxy'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, request, startTestRelay, userMessage } from './helpers'

// Upstream requests through a forward proxy (HTTP_PROXY / HTTPS_PROXY / NO_PROXY, undici's
// EnvHttpProxyAgent): a real CONNECT proxy on 127.0.0.1 that counts the tunnels it opens.

const TIMEOUTS = { connectMs: 2000, headersMs: 5000, bodyMs: 5000 }
const MODELS = { method: 'GET', path: '/models', accept: 'application/json' } as const

let emu: UpstreamEmulator
let proxy: ConnectProxy
let client: UpstreamClient | null = null
beforeAll(async () => {
  emu = await startUpstreamEmulator()
})
afterAll(() => emu.close())
beforeEach(async () => {
  proxy = await startConnectProxy()
})
afterEach(async () => {
  await client?.close()
  client = null
  await proxy.close()
})

const emuHost = () => new URL(emu.url).host
/** undici hands a finished connection back to its pool a turn of the event loop later; a request sent sooner opens another. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('the upstream client through a CONNECT proxy', () => {
  it('tunnels an http:// upstream through HTTP_PROXY and keeps the tunnel alive between requests', async () => {
    const { proxy: settings } = loadConfig({ HTTP_PROXY: proxy.url })
    client = createUpstreamClient({ timeouts: TIMEOUTS, proxy: settings })
    const upstream = { baseUrl: emu.url, apiKey: 'k' }
    for (let i = 0; i < 2; i++) {
      const response = await client.send(upstream, MODELS, NEVER)
      expect(JSON.parse(await readText(response, 10_000)).data[0].id).toBe('emu-model')
      await settle()
    }
    expect(proxy.tunnels).toEqual([emuHost()])
  })

  it('goes direct to hosts in NO_PROXY', async () => {
    const { proxy: settings } = loadConfig({ HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' })
    client = createUpstreamClient({ timeouts: TIMEOUTS, proxy: settings })
    const response = await client.send({ baseUrl: emu.url, apiKey: '' }, MODELS, NEVER)
    expect(response.status).toBe(200)
    expect(proxy.tunnels).toEqual([])
  })

  it('sends the credentials in the proxy URL, and a refused tunnel is a connection error', async () => {
    const guarded = await startConnectProxy({ credentials: { user: 'relay', password: 'proxy-secret-42' } })
    try {
      const upstream = { baseUrl: emu.url, apiKey: '' }
      const wrong = guarded.url.replace('proxy-secret-42', 'nope')
      client = createUpstreamClient({ timeouts: TIMEOUTS, proxy: loadConfig({ HTTP_PROXY: wrong }).proxy })
      await expect(client.send(upstream, MODELS, NEVER)).rejects.toBeInstanceOf(UpstreamConnectionError)
      await client.close()
      client = createUpstreamClient({
        timeouts: TIMEOUTS,
        proxy: loadConfig({ HTTP_PROXY: guarded.url }).proxy,
      })
      expect((await client.send(upstream, MODELS, NEVER)).status).toBe(200)
      expect(guarded.authorizations.at(-1)).toBe(
        `Basic ${Buffer.from('relay:proxy-secret-42').toString('base64')}`,
      )
    } finally {
      await guarded.close()
    }
  })

  it('speaks TLS to an https:// upstream inside the tunnel of HTTPS_PROXY', async () => {
    const dir = join(__dirname, '..', 'support', 'tls')
    const cert = readFileSync(join(dir, 'cert.pem'))
    const tls = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      req.resume()
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ secure: (req.socket as { encrypted?: boolean }).encrypted === true }))
    })
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
    try {
      const port = (tls.address() as AddressInfo).port
      // HTTP_PROXY alone would not do: an https:// upstream takes HTTPS_PROXY when it is set.
      const settings = loadConfig({ HTTPS_PROXY: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' }).proxy
      client = createUpstreamClient({ timeouts: TIMEOUTS, proxy: settings, ca: cert })
      const response = await client.send(
        { baseUrl: `https://localhost:${port}/v1`, apiKey: '' },
        MODELS,
        NEVER,
      )
      expect(JSON.parse(await readText(response, 1000))).toEqual({ secure: true })
      expect(proxy.tunnels).toEqual([`localhost:${port}`])
    } finally {
      tls.closeAllConnections()
      await new Promise((resolve) => tls.close(resolve))
    }
  })
})

describe('the relay behind a proxy', () => {
  it('streams answers and lists models through it, and never prints the proxy password', async () => {
    const guarded = await startConnectProxy({ credentials: { user: 'relay', password: 'proxy-secret-42' } })
    const relay = await startTestRelay({
      UPSTREAM_BASE_URL: emu.url,
      https_proxy: '',
      HTTP_PROXY: guarded.url,
    })
    try {
      emu.setBehaviour({})
      for (let i = 0; i < 2; i++) {
        const res = await chat(relay.url, userMessage('你好', { model: 'emu-model' }))
        expect(res.status).toBe(200)
        expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
        await settle()
      }
      const models = JSON.parse((await request(`${relay.url}/v1/models`)).text)
      expect(models.data[0].id).toBe('emu-model')
      // Streams and the model list share one kept-alive tunnel to the upstream.
      expect(guarded.tunnels).toEqual([emuHost()])
      const logs = relay.logs.join('\n')
      expect(logs).toContain(`"proxy":["127.0.0.1:${new URL(guarded.url).port}"]`)
      expect(logs).not.toContain('proxy-secret-42')
    } finally {
      await relay.close()
      await guarded.close()
    }
  })

  it('answers 502 upstream_unreachable when the proxy refuses the tunnel, after one retry', async () => {
    const refusing = await startConnectProxy({ refuse: 403 })
    const relay = await startTestRelay({
      UPSTREAM_BASE_URL: emu.url,
      HTTP_PROXY: refusing.url,
      RELAY_MODELS: 'm',
    })
    try {
      const res = await chat(relay.url, userMessage('你好'))
      expect(res.status).toBe(502)
      expect(JSON.parse(res.text).error.code).toBe('upstream_unreachable')
      expect(refusing.tunnels).toHaveLength(2)
    } finally {
      await relay.close()
      await refusing.close()
    }
  })
})

describe('proxy settings', () => {
  it('reads lower-case variables first, as curl and undici do, and needs a proxy to be set at all', () => {
    expect(loadConfig({}).proxy).toBeNull()
    expect(loadConfig({ NO_PROXY: 'x' }).proxy).toBeNull()
    expect(
      loadConfig({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', no_proxy: 'c', NO_PROXY: 'd' })
        .proxy,
    ).toEqual({ httpProxy: '', httpsProxy: 'http://a:1', noProxy: 'c' })
  })

  it('refuses a proxy that is not an http(s) URL without printing it (it may hold a password)', () => {
    expect(() => loadConfig({ HTTPS_PROXY: 'socks://u:pw-123@h:1' })).toThrow(/^HTTPS_PROXY must be/)
    expect(() => loadConfig({ HTTPS_PROXY: 'socks://u:pw-123@h:1' })).not.toThrow(/pw-123/)
  })
})
