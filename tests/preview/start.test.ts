/**
 * `npm start` as a user runs it: the preview in one process, the relay in a supervised child. A
 * hostile path must not crash the preview, and a crashed relay must neither take the preview down
 * nor stay down.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { imagePath } from '../../preview/server'

const ROOT = join(__dirname, '..', '..')

jest.setTimeout(60_000)

/**
 * The relay children of `npm start`. Not simply its first child: the preview's bundler (esbuild)
 * runs its own service process, which may come first.
 */
function relayChildrenOf(pid: number): number[] {
  let children: number[]
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('relay/src/main.ts')
    } catch {
      return false
    }
  })
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('npm start', () => {
  let start: ChildProcess
  let output = ''
  let previewUrl = ''
  let relayUrl = ''

  beforeAll(async () => {
    start = spawn(process.execPath, ['--import', 'tsx', 'preview/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', PREVIEW_PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await until('npm start to print its URLs', async () =>
      /浏览器预览：\s+(\S+)/.test(output) ? true : undefined,
    )
    previewUrl = /浏览器预览：\s+(\S+)/.exec(output)?.[1] ?? ''
    relayUrl = /中转服务（relay）：(\S+)/.exec(output)?.[1] ?? ''
  })

  afterAll(async () => {
    if (start.exitCode === null) {
      const exited = new Promise((resolve) => start.once('exit', resolve))
      start.kill('SIGTERM')
      await exited
    }
  })

  test('a path that is not valid percent-encoding is a 400, and the preview lives on', async () => {
    const bad = await fetch(new URL('/%ff.png', previewUrl))
    expect(bad.status).toBe(400)
    const traversal = await fetch(new URL('/..%2fminiprogram_x%2fa.png', previewUrl))
    expect(traversal.status).toBe(404)
    expect((await fetch(previewUrl)).status).toBe(200)
    expect((await fetch(new URL('/healthz', relayUrl))).status).toBe(200)
  })

  test('a relay that dies is restarted; the preview never goes down', async () => {
    try {
      await killAndWatch()
    } catch (error) {
      // What npm start printed is what explains a failure here.
      throw new Error(`${(error as Error).message}\n--- npm start printed:\n${output}`)
    }
  })

  async function killAndWatch(): Promise<void> {
    const [relayPid] = relayChildrenOf(start.pid as number)
    expect(relayPid).toBeGreaterThan(0)
    process.kill(relayPid as number, 'SIGKILL')
    expect((await fetch(previewUrl)).status).toBe(200)
    await until('a new relay process', async () => {
      const pids = relayChildrenOf(start.pid as number)
      return pids.length > 0 && pids[0] !== relayPid ? pids : undefined
    })
    expect(output).toMatch(/the relay exited \(SIGKILL\); restarting/)
    // PORT=0 here, so the new relay listens elsewhere; it prints where, and answers there.
    await until('the restarted relay to listen', async () =>
      output.match(/relay listening at/g)?.length === 2 ? true : undefined,
    )
    const restarted = [...output.matchAll(/relay listening at (\S+)/g)][1]?.[1] ?? ''
    expect((await fetch(new URL('/healthz', restarted))).status).toBe(200)
    expect(start.exitCode).toBeNull()
    expect((await fetch(previewUrl)).status).toBe(200)
  }
})

describe('imagePath', () => {
  const parent = mkdtempSync(join(tmpdir(), 'preview-root-'))
  const root = join(parent, 'miniprogram')
  mkdirSync(root)
  mkdirSync(join(parent, 'miniprogram_x'))
  writeFileSync(join(parent, 'miniprogram_x', 'a.png'), 'secret')

  test('stays inside the root, separator included', () => {
    expect(imagePath(root, '/images/a.png')).toBe(join(root, 'images/a.png'))
    expect(imagePath(root, '/..%2fminiprogram_x%2fa.png')).toBeUndefined()
    expect(imagePath(root, '/../miniprogram_x/a.png')).toBeUndefined()
    expect(imagePath(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined()
  })

  test('bad percent-encoding and NUL bytes are bad requests', () => {
    expect(imagePath(root, '/%ff.png')).toBe('bad')
    expect(imagePath(root, '/a%00.png')).toBe('bad')
  })
})
