import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { DEFAULT_SETTINGS } from '../miniprogram/services/settings'
import { buildBundle, MINIPROGRAM } from './build'
import { INDEX_HTML, PREVIEW_CSS } from './page'

/** The relay URL compiled into the app's default settings; requests to it go to the preview's relay. */
export const DEFAULT_RELAY_URL = DEFAULT_SETTINGS.relayUrl

/** Options of the preview server. */
export interface PreviewOptions {
  /** Default 5173 (PREVIEW_PORT); 0 picks a free port. */
  port?: number
  /** Where the app should send chat requests (the relay `npm start` or a test started). */
  relayUrl?: string
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
 * Serves the preview on 127.0.0.1: index.html (phone frame), /bundle.js (the mini program rebuilt from
 * miniprogram/ on every load, so a reload shows edits), /config.js (relay URL) and images of miniprogram/.
 */
export function startPreview(opts: PreviewOptions = {}): Promise<PreviewServer> {
  const config = { relayUrl: opts.relayUrl ?? DEFAULT_RELAY_URL, defaultRelayUrl: DEFAULT_RELAY_URL }
  const root = opts.root ?? MINIPROGRAM
  let pending: Promise<string> | null = null
  const server = createServer((req, res) => {
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
        `window.__PREVIEW_CONFIG__ = ${JSON.stringify(config)}\n`,
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
    const file = normalize(join(root, decodeURIComponent(path)))
    if (type && file.startsWith(root)) {
      readFile(file).then(
        (buf) => send(200, type, buf),
        () => send(404, 'text/plain; charset=utf-8', 'Not found'),
      )
      return
    }
    send(404, 'text/plain; charset=utf-8', 'Not found')
  })
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
