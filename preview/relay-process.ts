/**
 * The relay as a child process of `npm start`, restarted when it dies. Two processes, not one: a
 * request that crashed either server used to take both down; now the preview stays up and the relay
 * comes back (with a growing pause, and it gives up after repeated fast crashes).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

/** A supervised relay. */
export interface SupervisedRelay {
  /** The URL it printed when it last started listening (a restart with PORT=0 gets a new port). */
  url(): string
  /** The current child's pid (it changes when the relay is restarted). */
  pid(): number | undefined
  /** Stops it for good. */
  close(): Promise<void>
}

const MAIN = join(__dirname, '..', 'relay', 'src', 'main.ts')
const LISTENING = /relay listening at (\S+)/
/** Crashes this close together count as "fast"; five in a row and the supervisor gives up. */
const FAST_CRASH_MS = 10_000
const MAX_FAST_CRASHES = 5

/**
 * Starts `relay/src/main.ts` under tsx with `env`, forwards its output, and resolves once it says
 * where it listens. Rejects if the first start fails.
 */
export function superviseRelay(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = console.error,
): Promise<SupervisedRelay> {
  let child: ChildProcess | undefined
  let url = ''
  let stopping = false
  let fastCrashes = 0

  function start(onListening: (url: string) => void, onFirstExit: (code: number | null) => void): void {
    const startedAt = Date.now()
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child = proc
    let listening = false
    proc.stdout?.setEncoding('utf8')
    proc.stdout?.on('data', (text: string) => {
      process.stdout.write(text)
      const match = LISTENING.exec(text)
      if (match && !listening) {
        listening = true
        url = match[1] as string
        onListening(url)
      }
    })
    proc.once('exit', (code, signal) => {
      if (stopping) return
      if (!listening) return onFirstExit(code)
      fastCrashes = Date.now() - startedAt < FAST_CRASH_MS ? fastCrashes + 1 : 0
      if (fastCrashes >= MAX_FAST_CRASHES) {
        log(
          `[npm start] the relay crashed ${fastCrashes} times in a row; not restarting it (the preview stays up)`,
        )
        return
      }
      const pause = Math.min(8000, 250 * 2 ** fastCrashes)
      log(`[npm start] the relay exited (${signal ?? `code ${code}`}); restarting in ${pause} ms`)
      setTimeout(() => {
        if (!stopping)
          start(
            () => log('[npm start] relay restarted'),
            () => undefined,
          )
      }, pause)
    })
  }

  return new Promise((resolve, reject) => {
    start(
      () =>
        resolve({
          url: () => url,
          pid: () => child?.pid,
          close: () =>
            new Promise<void>((done) => {
              stopping = true
              if (!child || child.exitCode !== null || child.signalCode !== null) return done()
              child.once('exit', () => done())
              child.kill('SIGTERM')
            }),
        }),
      (code) => reject(new Error(`the relay did not start (exit code ${code})`)),
    )
  })
}
