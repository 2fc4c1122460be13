/**
 * Process plumbing for the relay benchmark: spawn child processes, find free ports,
 * wait for a listener, read a process's resident memory, and talk to the emitter.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'

/** Repository root (bench/relay/ is two levels down). */
export const ROOT = join(__dirname, '..', '..')

/** A spawned child with the stderr it printed so far (for failure messages). */
export interface Child {
  proc: ChildProcess
  pid: number
  stderr(): string
  stop(): Promise<void>
}

/** Spawns `node --import tsx <script>` from the repository root; `undefined` in env removes a variable. */
export function spawnTsx(
  script: string,
  env: NodeJS.ProcessEnv = {},
  stdout: 'pipe' | 'ignore' = 'pipe',
): Child {
  const merged = mergedEnv(env)
  const stdio: ['ignore', 'pipe' | 'ignore', 'pipe'] = ['ignore', stdout, 'pipe']
  return wrap(spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: merged, stdio }))
}

/** This process's environment plus `env`, where `undefined` removes a variable. */
export function mergedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  return merged
}

/** Wraps any spawned process with stderr capture and a graceful-then-forced stop. */
export function wrap(proc: ChildProcess): Child {
  let err = ''
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep only the tail: a chatty child must not grow the bench process.
    err = (err + chunk).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  return {
    proc,
    pid: proc.pid ?? -1,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Resolves with the first JSON line the child prints on stdout, e.g. `{"port":1234}`. */
export function firstJsonLine<T>(child: Child, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`child printed no JSON line: ${child.stderr()}`)),
      timeoutMs,
    )
    child.proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const line = out.split('\n').find((l) => l.trim().startsWith('{'))
      if (line) {
        clearTimeout(timer)
        resolve(JSON.parse(line) as T)
      }
    })
    child.proc.once('exit', (code) => reject(new Error(`child exited ${code}: ${child.stderr()}`)))
  })
}

/** A port that was free a moment ago (for programs that cannot report the port they bound). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = address && typeof address === 'object' ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Polls until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, child: Child, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null)
      throw new Error(`process exited ${child.proc.exitCode}: ${child.stderr()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await sleep(100)
  }
  throw new Error(`nothing listened on ${port}: ${child.stderr()}`)
}

/** Resident set size of a process in KB, from /proc/<pid>/status (0 when unreadable). */
export function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/** CPU time (user + system) a process has used so far, in ms (0 when unreadable). */
export function cpuMs(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S
  } catch {
    return 0
  }
}

// USER_HZ is 100 on every Linux ABI Node runs on.
const TICKS_PER_S = 100

/** CPU time of a process and its direct children (a cluster primary and its workers). */
export function treeCpuMs(pid: number): number {
  let children: number[] = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number)
  } catch {
    // Gone or no children: the process's own time is all there is.
  }
  return children.reduce((sum, child) => sum + cpuMs(child), cpuMs(pid))
}

/** Host-wide count of connections dropped because an accept queue was full (TcpExt ListenDrops). */
export function listenDrops(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n')
    const header = lines.findIndex((line) => line.startsWith('TcpExt:'))
    const names = lines[header]?.split(' ') ?? []
    const values = lines[header + 1]?.split(' ') ?? []
    return Number(values[names.indexOf('ListenDrops')] ?? 0)
  } catch {
    return 0
  }
}

/** Sends a small request and returns the parsed JSON answer (emitter control endpoints). */
export function httpJson<T>(port: number, method: string, path: string, body?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => resolve(JSON.parse(text) as T))
    })
    req.on('error', reject)
    req.end(body ? JSON.stringify(body) : undefined)
  })
}

/** Promise-based delay. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
