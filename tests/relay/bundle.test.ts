import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildRelay, RELAY_NODE_FLAGS } from '../../relay/build'
import { loadTranscript } from '../fixtures/transcripts'
import { type RelayProcess, spawnRelay } from '../support/relay-process'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, request, userMessage } from './helpers'

// The production bundle (relay/build.ts, what relay/Dockerfile runs and the relay bench measures)
// under plain node: a bundling mistake (a dynamic import, a file read relative to the source) would
// pass every in-process test and still break the container.

let dir: string
let bundle: string
let emu: UpstreamEmulator
const running: RelayProcess[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-bundle-test-'))
  bundle = join(dir, 'relay.js')
  await buildRelay(bundle)
  emu = await startUpstreamEmulator()
}, 30_000)
afterAll(async () => {
  await Promise.all(running.map((relay) => relay.stop()))
  await emu.close()
  rmSync(dir, { recursive: true, force: true })
})

async function start(env: NodeJS.ProcessEnv): Promise<RelayProcess> {
  const relay = await spawnRelay(env, { file: bundle, nodeFlags: RELAY_NODE_FLAGS })
  running.push(relay)
  return relay
}

it('serves the demo model with no configuration', async () => {
  const relay = await start({ RELAY_DEMO_DELAY_MS: '0', UPSTREAM_BASE_URL: '' })
  const health = await request(`${relay.url}/healthz`)
  expect(JSON.parse(health.text)).toEqual({ ok: true, upstream: 'demo' })
  const res = await chat(relay.url, userMessage('你好', { model: 'demo' }))
  expect(res.status).toBe(200)
  expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  expect(relay.output()).toContain('DEMO model')
}, 30_000)

it('streams an upstream answer byte for byte through the bundled undici client', async () => {
  const relay = await start({
    UPSTREAM_BASE_URL: emu.url,
    UPSTREAM_API_KEY: 'sk-bundle',
    RELAY_MODELS: 'gpt-4o-mini',
  })
  emu.setBehaviour({ transcript: 'deepseek-reasoner', chunkSize: 7, delayMs: 0 })
  const res = await chat(relay.url, userMessage('hi'))
  expect(res.status).toBe(200)
  expect(Buffer.compare(res.body, Buffer.from(loadTranscript('deepseek-reasoner')))).toBe(0)
  expect(emu.requests.at(-1)?.headers.authorization).toBe('Bearer sk-bundle')
}, 30_000)

it('is what the Dockerfile runs, with the same Node flags', () => {
  const dockerfile = readFileSync(join(__dirname, '..', '..', 'relay', 'Dockerfile'), 'utf8')
  expect(dockerfile).toContain('RUN npx tsx relay/build.ts dist/relay.js')
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1]
  expect(cmd && JSON.parse(cmd)).toEqual(['node', ...RELAY_NODE_FLAGS, 'relay.js'])
})
