import cluster from 'node:cluster'
import { loadConfig, type RelayConfig, secretsOf } from './config'
import type { RelayHooks } from './hooks'
import { createRelay } from './http/server'
import { createLogger, stdoutSink } from './log'
import { guardProcess } from './process-guard'
import { wechatHooksFromEnv } from './wechat'
import { runPrimary, workerCount } from './workers'

/** `npm run relay`: reads the environment, starts the relay, prints its URL and any warnings. */
async function main(): Promise<void> {
  let config: RelayConfig
  let workers: number
  try {
    config = loadConfig(process.env)
    workers = workerCount(process.env)
  } catch (error) {
    console.error(`relay: bad configuration: ${(error as Error).message}`)
    process.exit(1)
  }
  // Workers read the environment again: they must hash users in logs with the primary's salt.
  process.env.RELAY_HASH_SALT ??= config.hashSalt
  // wx.login sessions, per-user quotas and content security: on only when their variables are set.
  const hooks = wechatHooksFromEnv(process.env)
  // The warnings come once, from the primary (or the single process), not from every worker.
  if (cluster.isWorker) return startWorker(config, hooks)
  if (config.tokens.length === 0 && !hooks?.authenticate) {
    console.warn(
      '\n!!! WARNING: RELAY_TOKENS is empty — this relay is OPEN: anyone who can reach it can spend your quota.\n' +
        '!!! Set RELAY_TOKENS (comma-separated bearer tokens) before exposing it.\n',
    )
  }
  if (process.env.RELAY_TRUST_WX_HEADERS?.trim() === '1') {
    console.warn(
      '\n!!! WARNING: RELAY_TRUST_WX_HEADERS=1 — x-wx-openid is believed as is. Safe ONLY when every request\n' +
        '!!! reaches this relay through wx.cloud.callContainer (no custom domain, no public access): anyone who\n' +
        '!!! can reach it otherwise can claim to be any user. Streaming apps use wx.login sessions instead.\n',
    )
  }
  if (process.env.RELAY_SECCHECK?.trim() === '1' && !config.media.publicUrl) {
    console.warn(
      'relay: RELAY_SECCHECK=1 without RELAY_PUBLIC_URL — WeChat is shown photos at this relay’s own listen\n' +
        'address, which it cannot reach from outside: set RELAY_PUBLIC_URL to the relay’s public https:// URL.',
    )
  }
  if (!config.upstream) {
    console.warn(
      'relay: no UPSTREAM_BASE_URL — serving the built-in DEMO model (canned answers, no API key).',
    )
  } else if (!config.upstream.apiKey) {
    console.warn('relay: UPSTREAM_API_KEY is empty — requests go upstream without a key.')
  }
  if (workers > 1) {
    if (config.rateLimit > 0 && !config.redisUrl) {
      console.warn(
        'relay: RELAY_RATE_LIMIT without REDIS_URL is counted per worker; set REDIS_URL to share it.',
      )
    }
    if (!config.redisUrl) {
      // node:cluster hands a reattach to any worker; without a shared store most would answer 404.
      console.warn(
        'relay: RELAY_WORKERS > 1 without REDIS_URL — resumable answers live in one worker each; set REDIS_URL to share them.',
      )
    }
    console.log(`relay: starting ${workers} workers`)
    runPrimary(workers)
    return
  }
  await startWorker(config, hooks)
}

/** Runs the relay in this process until SIGINT/SIGTERM. */
async function startWorker(config: RelayConfig, hooks: RelayHooks | undefined): Promise<void> {
  guardProcess(createLogger(secretsOf(config), stdoutSink))
  const relay = await createRelay(config, { hooks })
  console.log(`relay listening at ${relay.url}${cluster.isWorker ? ` (worker ${process.pid})` : ''}`)
  const stop = (): void => {
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: Error) => {
  console.error(`relay: failed to start: ${error.message}`)
  process.exit(1)
})
