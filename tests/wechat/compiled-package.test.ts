/**
 * The app as WeChat's toolchain builds it. `npm run build:mp` packs npm with WeChat's packer and
 * compiles with WeChat's compiler (miniprogram-ci, offline, our project.config.json); these tests
 * then load that code package under WeChat's module rules (package-runtime.ts), not Node's.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import type { ChatUpdate } from '../../miniprogram/lib/stream/index'
import { MAIN_PACKAGE_BUDGET_BYTES } from '../../scripts/wechat/compile'
import { loadTranscript } from '../fixtures/transcripts'
import { contentOf, expectedUpdates, terminal } from '../services/chat-client-helpers'
import { createWxRequestDouble, installWx, type WxResponse } from '../support/wx-request-double'
import {
  componentPath,
  type Definition,
  loadPackage,
  readPackageJson,
  requiresIn,
  resolveWechatRequire,
} from './package-runtime'

const ROOT = join(__dirname, '../..')
const PACKAGE = join(ROOT, 'build/wechat/package')

interface Report {
  files: Record<string, number>
  totalBytes: number
  droppedWithCode: string[]
}

let build: { status: number | null; output: string }
let report: Report

beforeAll(() => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/wechat/build.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
  })
  build = { status: run.status, output: `${run.stdout}\n${run.stderr}` }
  report = JSON.parse(readFileSync(join(ROOT, 'build/wechat/report.json'), 'utf8')) as Report
}, 180_000)

function packageFiles(dir = PACKAGE, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = prefix ? `${prefix}/${name}` : name
    return statSync(join(dir, name)).isDirectory() ? packageFiles(join(dir, name), path) : [path]
  })
}

/** Registrations the sandbox records: what App(), Page(), Component() and Behavior() received. */
function wechatGlobals(wx: Record<string, unknown>) {
  const registered = { app: [] as Definition[], components: [] as Definition[], behaviors: 0 }
  const globals = {
    wx,
    App: (definition: Definition) => registered.app.push(definition),
    Page: (definition: Definition) => registered.components.push(definition),
    Component: (definition: Definition) => registered.components.push(definition),
    Behavior: (definition: Definition) => {
      registered.behaviors++
      return definition
    },
    getApp: () => registered.app[0] ?? {},
    getCurrentPages: () => [],
  }
  return { globals, registered }
}

describe("WeChat's toolchain builds the app", () => {
  test("the build passes: npm packed by WeChat's packer, no warning, nothing with code left out", () => {
    expect(build.output).not.toMatch(/✗|failed/)
    expect(build.status).toBe(0)
    expect(report.droppedWithCode).toEqual([])
    expect(report.files['miniprogram_npm/eventsource-parser/index.js']).toBeGreaterThan(1000)
  })

  test('syntax highlighting is in the package', () => {
    const highlight = Object.keys(report.files).filter((f) => f.startsWith('lib/markdown/highlight/'))
    expect(highlight.sort()).toEqual(
      ['index.js', 'lang.js', 'specs.js', 'tokenize.js'].map((f) => `lib/markdown/highlight/${f}`),
    )
  })

  test(`the main package is within ${MAIN_PACKAGE_BUDGET_BYTES / 1024} KB`, () => {
    const onDisk = packageFiles().reduce((sum, f) => sum + statSync(join(PACKAGE, f)).size, 0)
    expect(onDisk).toBe(report.totalBytes)
    expect(report.totalBytes).toBeLessThanOrEqual(MAIN_PACKAGE_BUDGET_BYTES)
  })

  test("every require in every compiled file resolves under WeChat's module rules", () => {
    const unresolved: string[] = []
    const files = packageFiles().filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(50)
    for (const file of files) {
      for (const request of requiresIn(readFileSync(join(PACKAGE, file), 'utf8'))) {
        const resolved = resolveWechatRequire(PACKAGE, file, request)
        if ('error' in resolved) unresolved.push(`${file}: ${resolved.error}`)
      }
    }
    expect(unresolved).toEqual([])
  })

  test('every page and component named in JSON is in the package', () => {
    const missing: string[] = []
    const app = readPackageJson<{ pages: string[] }>(PACKAGE, 'app.json')
    const seen = new Set<string>()
    const queue = app.pages.map((page) => ({ path: page, from: 'app.json' }))
    while (queue.length > 0) {
      const { path, from } = queue.shift()!
      if (seen.has(path)) continue
      seen.add(path)
      for (const ext of ['js', 'json', 'wxml']) {
        if (report.files[`${path}.${ext}`] === undefined) missing.push(`${path}.${ext} (named in ${from})`)
      }
      if (report.files[`${path}.json`] === undefined) continue
      const json = readPackageJson<{ usingComponents?: Record<string, string> }>(PACKAGE, `${path}.json`)
      for (const target of Object.values(json.usingComponents ?? {})) {
        queue.push({ path: posix.normalize(componentPath(`${path}.json`, target)), from: `${path}.json` })
      }
    }
    expect(missing).toEqual([])
    expect(seen.size).toBeGreaterThanOrEqual(app.pages.length + 4)
  })

  test('app.js and every page and component load without throwing', () => {
    const installed = installWx()
    try {
      const { globals, registered } = wechatGlobals(installed.wx)
      const runtime = loadPackage(PACKAGE, globals)
      runtime.require('app')
      expect(registered.app).toHaveLength(1)
      const app = readPackageJson<{ pages: string[] }>(PACKAGE, 'app.json')
      const components = packageFiles()
        .filter((f) => f.endsWith('.json') && report.files[f.replace(/\.json$/, '.wxml')] !== undefined)
        .map((f) => f.replace(/\.json$/, ''))
      for (const path of [...app.pages, ...components]) runtime.require(path)
      expect(registered.components).toHaveLength(new Set([...app.pages, ...components]).size)
      const onLaunch = registered.app[0]?.onLaunch
      expect(typeof onLaunch).toBe('function')
      ;(onLaunch as () => void)()
    } finally {
      installed.uninstall()
    }
  })
})

describe('a streamed answer through the compiled chat client and decoder', () => {
  async function stream(body: Uint8Array, response: Partial<WxResponse>): Promise<ChatUpdate[]> {
    const double = createWxRequestDouble(() => ({ body, ...response }))
    const installed = installWx({ request: double.request })
    try {
      const runtime = loadPackage(PACKAGE, wechatGlobals(installed.wx).globals)
      const client = runtime.require('services/chat-client') as {
        startChatRequest(options: Record<string, unknown>): unknown
      }
      const updates: ChatUpdate[] = []
      await new Promise<void>((resolve) => {
        client.startChatRequest({
          url: 'http://127.0.0.1:8787/v1/chat/completions',
          body: { model: 'demo', messages: [{ role: 'user', content: '你好' }] },
          onUpdate(update: ChatUpdate) {
            // Out of the sandbox's realm, so equality is about values only.
            updates.push(JSON.parse(JSON.stringify(update)) as ChatUpdate)
            if (update.type !== 'delta') resolve()
          },
        })
      })
      await double.settled()
      return updates
    } finally {
      installed.uninstall()
    }
  }

  test.each([1, 2, 3, 7, 64])('openai-basic in %i-byte chunks arrives byte-exact', async (size) => {
    const body = loadTranscript('openai-basic')
    const updates = await stream(body, { chunkSizes: size })
    expect(updates).toEqual(expectedUpdates(body))
    expect(contentOf(updates)).toContain('你好！我是一个AI助手😊。')
    expect(terminal(updates)).toMatchObject({ type: 'done', finishReason: 'stop' })
  })

  test.each(['deepseek-reasoner', 'moonshot', 'markdown-long', 'cut-stream'])(
    '%s in random chunks equals the source decoder',
    async (name) => {
      const body = loadTranscript(name)
      const updates = await stream(body, { chunkSizes: 'random', seed: name.length })
      expect(updates).toEqual(expectedUpdates(body))
    },
  )

  test('a BOM split across the first chunks is dropped, as eventsource-parser promises', async () => {
    const plain = loadTranscript('openai-basic')
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...plain])
    const updates = await stream(body, { chunkSizes: 2 })
    expect(updates).toEqual(expectedUpdates(plain))
  })

  test('the whole body in success (no chunk events) goes through the same decoder', async () => {
    const body = loadTranscript('openai-basic')
    const updates = await stream(body, { mode: 'no-chunks' })
    expect(updates).toEqual(expectedUpdates(body))
  })
})

describe('mp:upload and mp:preview run the same build', () => {
  test('a dry run builds, checks and stops before contacting WeChat', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'scripts/wechat/deploy.ts'),
        'upload',
        '--dry-run',
        '--version',
        '9.9.9',
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 170_000,
        env: { ...process.env, WECHAT_APPID: 'wx0123456789abcdef' },
      },
    )
    expect(run.stderr).not.toMatch(/not shipping/)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/WeChat package: \d+ files, [\d.]+ KB/)
    expect(run.stdout).toMatch(/dry run: would upload 9\.9\.9 as wx0123456789abcdef/)
  }, 180_000)
})
