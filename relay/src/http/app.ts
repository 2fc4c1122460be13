import type { IncomingMessage, ServerResponse } from 'node:http'
import { type RelayConfig, secretsOf } from '../config'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import { createGenerations } from '../generations/service'
import type { RelayHooks } from '../hooks'
import { createRateLimiter } from '../limits/rate-limit'
import { createLogger, failureFields, stdoutSink } from '../log'
import { createMediaParts } from '../media/parts'
import { createReviewParts } from '../review/parts'
import { createUpstreamClient, timeoutsOf } from '../upstream/client'
import { clientAddress } from './client-address'
import { applyCors } from './cors'
import { health } from './health'
import { describeRequest } from './request-info'
import { sendError } from './respond'
import { findRoute } from './router'
import { relayRoutes } from './routes'

/** What the relay takes from code rather than from the environment. */
export interface RelayOptions {
  /** Extension points (login, quotas, content security). */
  hooks?: RelayHooks
  /** Where log lines go (default: stdout). */
  logSink?: (line: string) => void
  /** The clock of generation retention and the detached timeout (tests move it); default `Date.now`. */
  now?: () => number
}

/** The relay as a request listener, independent of any server or port. */
export interface RelayApp {
  /** Answers one request: mount it in any `node:http` server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void
  /** Logs the start line once the app can be reached at `url`. */
  started(url: string): void
  /** Ends open chat requests (streams get an error frame), then closes the upstream pools, the rate limiter and the hooks. */
  close(): Promise<void>
  /**
   * After `close()` began: settles once readers of resumable answers wrote their last frames, which
   * come from the store (a moment later than the error frames of plain streams), at most a second.
   */
  readersEnded(): Promise<void>
}

/** The proxies upstream requests go through, by host only (a proxy URL may carry a password). */
function proxyHosts(config: RelayConfig): string[] {
  const urls = [config.proxy?.httpProxy, config.proxy?.httpsProxy].filter((url): url is string => !!url)
  return [...new Set(urls.map((url) => new URL(url).host))]
}

/** Builds the relay's routes and shared parts from its settings; nothing listens yet. */
export function createRelayApp(config: RelayConfig, options: RelayOptions = {}): RelayApp {
  const secrets = secretsOf(config)
  const log = createLogger(secrets, options.logSink ?? stdoutSink)
  const deps: RelayDeps = {
    config,
    hooks: options.hooks,
    log,
    secrets,
    upstream: createUpstreamClient({ timeouts: timeoutsOf(config), proxy: config.proxy }),
    limiter: createRateLimiter(config, log),
    active: new Map(),
    review: createReviewParts(config.redisUrl, log, config.review),
    media: createMediaParts(config.redisUrl, config.media),
    generations: createGenerations(config, log, options.now ?? Date.now),
  }
  const routes = relayRoutes(deps)
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (applyCors(req, res, config.corsOrigins)) return
    await findRoute(routes, req.method, req.url)(req, res)
  }
  return {
    handle(req, res) {
      const { id } = describeRequest(req, clientAddress(req, config.trustProxy), config)
      res.setHeader('X-Request-Id', id)
      answer(req, res).catch((error: unknown) => {
        // A RelayError is an answer; anything else is a bug, and the id ties the log line to the 500.
        if (!(error instanceof RelayError))
          log.error('request failed', { requestId: id, ...failureFields(error) })
        sendError(res, error)
      })
    },
    started(url) {
      log.info('relay started', {
        url,
        upstream: health(config).upstream,
        demo: !config.upstream,
        models: config.models,
        auth: config.tokens.length > 0 || deps.hooks?.authenticate ? 'on' : 'open',
        rateLimit: config.rateLimit,
        redis: config.redisUrl !== null,
        proxy: proxyHosts(config),
      })
    },
    async close() {
      for (const end of [...deps.active.values()]) end()
      const generations = deps.generations.close()
      await deps.upstream.close()
      await deps.limiter?.close()
      await deps.review.close()
      await deps.media.close()
      await deps.hooks?.close?.()
      await generations
    },
    readersEnded: () => deps.generations.readersEnded(),
  }
}
