import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'

/** The path WeChat's media check fetches an image from. */
export const MEDIA_PATH = '/wx/media'

/** How long a media URL works: WeChat fetches within seconds; a check that waits longer has failed anyway. */
export const MEDIA_URL_TTL_MS = 10 * 60_000

function signature(secret: string, id: string, expires: number): Buffer {
  // Domain-separated: the key may be the session secret, whose other HMACs must never validate here.
  return createHmac('sha256', secret).update(`relay-media-url\n${id}\n${expires}`).digest()
}

/** The query of a URL that serves upload `id` until `expires` (ms since the epoch). */
export function signMediaQuery(secret: string, id: string, expires: number): string {
  const sig = signature(secret, id, expires).toString('base64url')
  return `id=${encodeURIComponent(id)}&exp=${expires}&sig=${sig}`
}

/**
 * The base WeChat reaches this relay at: RELAY_PUBLIC_URL, else the address the relay itself listens
 * on (right for tests and a relay WeChat reaches directly). Never the request's Host header: a caller
 * could name a server of its own, which would show WeChat a harmless image in place of the upload.
 */
export function publicBase(req: IncomingMessage, configured: string): string {
  if (configured !== '') return configured
  const address = req.socket.localAddress ?? '127.0.0.1'
  const host = address.includes(':') ? `[${address}]` : address
  return `http://${host}:${req.socket.localPort}`
}

/** The whole signed URL WeChat fetches upload `id` from, until `expires`. */
export function signedMediaUrl(req: IncomingMessage, deps: RelayDeps, id: string, expires: number): string {
  const { publicUrl, mediaUrlSecret } = deps.config.media
  return `${publicBase(req, publicUrl)}${MEDIA_PATH}?${signMediaQuery(mediaUrlSecret, id, expires)}`
}

/** The upload id a media URL's query may serve, or a 403 when it is unsigned, tampered with or expired. */
export function verifyMediaQuery(query: URLSearchParams, secret: string, now: number): string {
  const id = query.get('id') ?? ''
  const expires = Number(query.get('exp'))
  const given = Buffer.from(query.get('sig') ?? '', 'base64url')
  const expected = signature(secret, id, expires)
  const valid = given.length === expected.length && timingSafeEqual(given, expected)
  if (!valid || id === '' || !Number.isSafeInteger(expires)) {
    throw new RelayError(403, 'invalid_signature', 'This media URL is not signed by the relay')
  }
  if (expires <= now) throw new RelayError(403, 'url_expired', 'This media URL has expired')
  return id
}

/**
 * `GET /wx/media?id=&exp=&sig=`: an upload's bytes for WeChat's asynchronous media check. No
 * bearer token (WeChat has none): the HMAC signature is the permission, and it lapses quickly.
 */
export async function serveMedia(req: IncomingMessage, res: ServerResponse, deps: RelayDeps): Promise<void> {
  const query = new URL(req.url ?? '/', 'http://relay').searchParams
  const id = verifyMediaQuery(query, deps.config.media.mediaUrlSecret, Date.now())
  const upload = await deps.media.uploads.get(id)
  if (!upload) throw new RelayError(404, 'upload_not_found', 'The image is gone')
  res.writeHead(200, {
    'Content-Type': upload.type,
    'Content-Length': upload.data.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(upload.data)
}
