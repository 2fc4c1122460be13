import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Adds CORS headers when the request's Origin is allowed (`*` in the list allows
 * any). Returns true when it answered a preflight, which then needs nothing else.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin
  const allowed = origin !== undefined && (origins.includes(origin) || origins.includes('*'))
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Vary', 'Origin')
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Generation-Id')
  }
  if (req.method !== 'OPTIONS') return false
  if (origin !== undefined && !allowed) {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Origin not allowed')
    return true
  }
  res.writeHead(204, {
    Allow: 'GET, POST, OPTIONS',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    // Echo what the browser asks for (e.g. a preview adding its own header); the default covers the app.
    'Access-Control-Allow-Headers':
      req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type',
    'Access-Control-Max-Age': '600',
  })
  res.end()
  return true
}
