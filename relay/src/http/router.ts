import type { IncomingMessage, ServerResponse } from 'node:http'
import { RelayError } from '../errors'

/** Answers one request, or throws a RelayError for the app to turn into an error response. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/** Path → method → handler; a path segment `:name` matches any one segment (e.g. `/v1/generations/:id/stream`). */
export type RouteTable = Map<string, Map<string, Handler>>

/** Adds `"METHOD /path"` to the table; a later entry for the same pair replaces the earlier one. */
export function addRoute(table: RouteTable, route: string, handler: Handler): void {
  const [method, path, extra] = route.split(' ')
  if (!method || !path?.startsWith('/') || extra !== undefined) {
    throw new Error(`route must be "METHOD /path", got "${route}"`)
  }
  let methods = table.get(path)
  if (!methods) {
    methods = new Map()
    table.set(path, methods)
  }
  methods.set(method, handler)
}

/** Plain paths (letters, digits, `_`, `-`, `/`) up to `?`/`#` need no URL parsing to normalise. */
const PLAIN_PATH = /^\/(?!\/)[\w\-/]*(?=[?#]|$)/

/** The request's path as `URL` would normalise it, without parsing a URL per request. */
export function pathOf(url: string): string {
  return PLAIN_PATH.exec(url)?.[0] ?? new URL(url, 'http://relay').pathname
}

/** The `:name` segments of `pattern` in `path`, or null when the path does not have the pattern's shape. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] as string
    const value = got[i] as string
    if (segment.startsWith(':') && value !== '') params[segment.slice(1)] = value
    else if (segment !== value) return null
  }
  return params
}

/** Exact paths first (one map lookup, the common case); patterned ones only when none matched. */
function methodsOf(table: RouteTable, path: string): Map<string, Handler> | undefined {
  const exact = table.get(path)
  if (exact) return exact
  for (const [pattern, methods] of table) {
    if (pattern.includes('/:') && matchPath(pattern, path)) return methods
  }
  return undefined
}

/** The handler for a request: 404 for an unknown path, 405 (with `Allow`) for a method it does not take. */
export function findRoute(table: RouteTable, method: string | undefined, url: string | undefined): Handler {
  const path = pathOf(url ?? '/')
  const methods = methodsOf(table, path)
  if (!methods) throw new RelayError(404, 'not_found', `No route for ${path}`)
  const handler = methods.get(method ?? '')
  if (handler) return handler
  const allow = [...methods.keys()].join(', ')
  throw new RelayError(405, 'method_not_allowed', `${path} only accepts ${allow}`, { Allow: allow })
}
