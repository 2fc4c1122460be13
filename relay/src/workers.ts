import cluster, { type Worker } from 'node:cluster'

/** `RELAY_WORKERS` (default 1): how many relay processes share the port. */
export function workerCount(env: NodeJS.ProcessEnv): number {
  const raw = env.RELAY_WORKERS?.trim()
  if (raw === undefined || raw === '') return 1
  const count = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(count >= 1 && count <= 64)) throw new Error(`RELAY_WORKERS must be between 1 and 64, got "${raw}"`)
  return count
}

/** A worker that dies sooner than this after its start is not restarted (it would only crash again). */
const MIN_UPTIME_MS = 5000

/**
 * The primary process of `RELAY_WORKERS > 1`: forks the workers (each runs the
 * whole relay; node:cluster shares the listening port), replaces one that
 * crashes, and on SIGINT/SIGTERM lets each close its streams with an error
 * frame, then exits once they are all gone.
 */
export function runPrimary(count: number): void {
  let stopping = false
  const started = new Map<Worker, number>()
  const fork = (): void => {
    started.set(cluster.fork(), Date.now())
  }
  cluster.on('exit', (worker, code, signal) => {
    const uptime = Date.now() - (started.get(worker) ?? 0)
    started.delete(worker)
    if (stopping) {
      if (started.size === 0) process.exit(0)
      return
    }
    console.error(`relay: worker ${worker.process.pid} exited (${signal ?? code})`)
    if (uptime >= MIN_UPTIME_MS) fork()
    else if (started.size === 0) process.exit(1)
  })
  const stop = (): void => {
    if (stopping) return
    stopping = true
    if (started.size === 0) process.exit(0)
    for (const worker of started.keys()) worker.process.kill('SIGTERM')
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  for (let i = 0; i < count; i++) fork()
}
