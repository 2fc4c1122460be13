import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

/** A relay running as its own process (`node --import tsx relay/src/main.ts`, or a built bundle). */
export interface RelayProcess {
  url: string
  /** Everything it printed so far (stdout + stderr). */
  output(): string
  stop(): Promise<void>
}

/**
 * Spawns the relay with `env` added to the current environment and waits for its printed URL.
 * With `bundle` (a file relay/build.ts made), runs that under plain `node`, as deployed.
 */
export async function spawnRelay(
  env: NodeJS.ProcessEnv,
  bundle?: { file: string; nodeFlags: string[] },
): Promise<RelayProcess> {
  const args = bundle ? [...bundle.nodeFlags, bundle.file] : ['--import', 'tsx', 'relay/src/main.ts']
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${output}`)), 20_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /relay listening at (http:\/\/\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`relay exited with ${code}:\n${output}`))
    })
  })
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
