import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { DEFAULT_SETTINGS } from '../miniprogram/lib/settings/index'
import { buildBundle, MINIPROGRAM } from './build'
import { INDEX_HTML, PREVIEW_CSS } from './page'

/** The relay URL compiled into the app's default settings; requests to it go to the preview's relay. */
export const DEFAULT_RELAY_URL = DEFAULT_SETTINGS.relayUrl

/** Options of the preview server. */
export interface PreviewOptions {
  /** Default 5173 (PREVIEW_PORT); 0 picks a free port. */
  port?: number
  /** Where the app should send chat requests (the relay `npm start` or a test started); a function when it is known only later. */
  relayUrl?: string | (() => string)
  /** Mini program folder to serve (default miniprogram/; tests use a small fixture app for built-ins). */
  root?: string
}

/** A running preview server. */
export interface PreviewServer {
  url: string
  port: number
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
}

/**
 * The file a request path names inside `root`; undefined when it would leave `root` (a sibling
 * folder such as `miniprogram_x` shares the prefix, so containment needs the separator), `'bad'`
 * when the path is not valid percent-encoding.
 */
export function imagePath(root: string, urlPath: string): string | undefined | 'bad' {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return 'bad'
  }
  if (decoded.includes('\0')) return 'bad'
  const file = normalize(join(root, decoded))
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined
}

/**
 * Serves the preview on 127.0.0.1: index.html (phone frame), /bundle.js (the mini program rebuilt from
 * miniprogram/ on every load, so a reload shows edits), /config.js (relay URL) and images of miniprogram/.
 */
export function startPreview(opts: PreviewOptions = {}): Promise<PreviewServer> {
  const relayUrl = opts.relayUrl ?? DEFAULT_RELAY_URL
  const config = () => ({
    relayUrl: typeof relayUrl === 'function' ? relayUrl() : relayUrl,
    defaultRelayUrl: DEFAULT_RELAY_URL,
  })
  const root = opts.root ?? MINIPROGRAM
  let pending: Promise<string> | null = null
  const server = createServer((req, res) => {
    try {
      handle(req, res)
    } catch (error) {
      // Whatever a request holds, it never ends the process (npm start also runs the relay's supervisor).
      console.error('[preview] request failed:', error instanceof Error ? error.message : error)
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end()
    }
  })
  function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
      res.end(body)
    }
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', INDEX_HTML)
    if (path === '/favicon.ico') return send(204, 'image/x-icon', '')
    if (path === '/preview.css') return send(200, 'text/css; charset=utf-8', PREVIEW_CSS)
    if (path === '/config.js') {
      return send(
        200,
        'text/javascript; charset=utf-8',
        `window.__PREVIEW_CONFIG__ = ${JSON.stringify(config())}\n`,
      )
    }
    if (path === '/bundle.js') {
      pending ??= buildBundle(root).finally(() => {
        pending = null
      })
      pending.then(
        (js) => send(200, 'text/javascript; charset=utf-8', js),
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err)
          console.error('[preview] build failed:', message)
          send(
            200,
            'text/javascript; charset=utf-8',
            `document.body.textContent = ${JSON.stringify(`构建失败：${message}`)}`,
          )
        },
      )
      return
    }
    const type = TYPES[extname(path).toLowerCase()]
    const file = imagePath(root, path)
    if (file === 'bad') return send(400, 'text/plain; charset=utf-8', 'Bad request')
    if (type && file) {
      readFile(file).then(
        (buf) => send(200, type, buf),
        () => send(404, 'text/plain; charset=utf-8', 'Not found'),
      )
      return
    }
    send(404, 'text/plain; charset=utf-8', 'Not found')
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 5173, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

// `npm run preview` runs this file directly; tests import startPreview instead.
if (/preview[\\/]server\.ts$/.test(process.argv[1] ?? '')) {
  const port = Number(process.env.PREVIEW_PORT ?? 5173)
  startPreview({ port, relayUrl: process.env.RELAY_URL }).then(
    (p) => console.log(`预览已启动：${p.url}`),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
}
