/**
 * Starts the relay under test the way it is deployed: its own process running
 * relay/src/main.ts, configured by environment, pointed at the emitter.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Child, freePort, ROOT, spawnTsx, waitForPort } from './procs'

/** Bearer token the bench presents (auth on, as in production, so its cost is measured). */
export const RELAY_TOKEN = 'bench-token'

/** A running relay process. */
export interface RelayProcess {
  url: string
  child: Child
}

/** Starts the relay in front of 127.0.0.1:upstreamPort, or returns why it cannot. */
export async function startRelay(
  upstreamPort: number,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<RelayProcess | string> {
  const main = 'relay/src/main.ts'
  if (!existsSync(join(ROOT, main))) return `${main} does not exist yet`
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    PORT: String(port),
    HOST: '127.0.0.1',
    UPSTREAM_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`,
    UPSTREAM_API_KEY: 'bench-upstream-key',
    RELAY_MODELS: 'bench',
    RELAY_TOKENS: RELAY_TOKEN,
    RELAY_RATE_LIMIT: '0',
    // Heartbeats and idle timeouts must not fire during the run: they would be extra traffic.
    RELAY_HEARTBEAT_MS: '3600000',
    RELAY_IDLE_TIMEOUT_MS: '3600000',
    REDIS_URL: undefined,
    ...extraEnv,
  }
  // Log lines go to /dev/null: a pipe read by this busy load generator would block the relay's writes.
  const child = spawnTsx(main, env, 'ignore')
  try {
    await waitForPort(port, child)
  } catch (error) {
    await child.stop()
    return `relay did not start: ${(error as Error).message}`
  }
  return { url: `http://127.0.0.1:${port}`, child }
}
