/**
 * Starts the relay under test the way it is deployed: the production bundle (relay/build.ts,
 * what relay/Dockerfile runs) under plain `node` with the same flags, in its own process, configured by
 * environment, pointed at the emitter.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildRelay, RELAY_NODE_FLAGS } from '../../relay/build'
import { type Child, firstJsonLine, freePort, mergedEnv, ROOT, waitForPort, wrap } from './procs'

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
  let bundle: string
  try {
    bundle = await relayBundle()
  } catch (error) {
    return `relay did not build: ${(error as Error).message}`
  }
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
    // Every bench stream comes from 127.0.0.1: the per-address cap would refuse most of them.
    RELAY_MAX_CONNECTIONS_PER_IP: '0',
    REDIS_URL: undefined,
    ...extraEnv,
  }
  // Log lines go to /dev/null: a pipe read by this busy load generator would block the relay's writes.
  const stdio: ['ignore', 'ignore', 'pipe'] = ['ignore', 'ignore', 'pipe']
  const child = wrap(spawn(process.execPath, [...RELAY_NODE_FLAGS, bundle], { env: mergedEnv(env), stdio }))
  try {
    await waitForPort(port, child)
  } catch (error) {
    await child.stop()
    return `relay did not start: ${(error as Error).message}`
  }
  return { url: `http://127.0.0.1:${port}`, child }
}

/**
 * Starts bench/relay/node-floor.ts (a bare TCP forwarder) under the relay's Node flags in front of
 * 127.0.0.1:upstreamPort; returns its URL and process, or why it cannot.
 */
export async function startNodeFloor(upstreamPort: number): Promise<RelayProcess | string> {
  const args = [...RELAY_NODE_FLAGS, '--import', 'tsx', 'bench/relay/node-floor.ts', String(upstreamPort)]
  const child = wrap(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }))
  try {
    const { port } = await firstJsonLine<{ port: number }>(child)
    return { url: `http://127.0.0.1:${port}`, child }
  } catch (error) {
    await child.stop()
    return `node floor did not start: ${(error as Error).message}`
  }
}

let built: Promise<string> | null = null

/** Builds the production bundle once per bench run, into a temporary directory. */
function relayBundle(): Promise<string> {
  built ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'relay-bench-')), 'relay.js')
    await buildRelay(outfile)
    return outfile
  })()
  return built
}
