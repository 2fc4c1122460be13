import { redact } from './redact'

/** Writes one structured log line. */
export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void

/** A logger bound to the secrets it must never print. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** Log fields describing an unexpected failure: its message, and its stack for finding where it came from. */
export function failureFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) }
  return { error: error.message, stack: error.stack?.split('\n').slice(0, 8).join('\n') }
}

/** JSON-lines logger; `secrets` are the upstream keys and client tokens. */
export function createLogger(secrets: readonly string[], sink: (line: string) => void): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>): void => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })
    sink(redact(line, secrets))
  }
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  }
}

let pending = ''
let flushing = false
let hooked = false

function flush(): void {
  flushing = false
  if (pending === '') return
  const text = pending
  pending = ''
  process.stdout.write(text)
}

/**
 * Default sink: lines on stdout, gathered per event-loop turn. stdout to a file or pipe
 * is written synchronously, so a write per request (a thousand in a burst) would stall
 * every stream; lines wait at most one turn, and anything pending goes out on exit.
 */
export function stdoutSink(line: string): void {
  pending += `${line}\n`
  if (!hooked) {
    hooked = true
    process.on('exit', flush)
  }
  if (flushing) return
  flushing = true
  setImmediate(flush)
}
