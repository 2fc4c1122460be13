/** wx.request on fetch: enableChunked streams real ArrayBuffer chunks from a ReadableStream reader. */

type Listener<T> = (res: T) => void
type Headers = Record<string, string>

/** The subset of wx.request's options the preview honours. */
export interface RequestOptions {
  url: string
  method?: string
  data?: unknown
  header?: Record<string, string>
  timeout?: number
  dataType?: string
  responseType?: 'text' | 'arraybuffer'
  enableChunked?: boolean
  success?: (res: unknown) => void
  fail?: (err: { errMsg: string; errno?: number }) => void
  complete?: (res: unknown) => void
}

/** The RequestTask the shim returns (same method names as WeChat's). */
export interface PreviewRequestTask {
  abort(): void
  onHeadersReceived(cb: Listener<{ statusCode: number; header: Headers; cookies: string[] }>): void
  offHeadersReceived(cb?: Listener<{ statusCode: number; header: Headers; cookies: string[] }>): void
  onChunkReceived(cb: Listener<{ data: ArrayBuffer }>): void
  offChunkReceived(cb?: Listener<{ data: ArrayBuffer }>): void
}

function encodeBody(o: RequestOptions, headers: Headers): { url: string; body?: BodyInit } {
  const method = (o.method ?? 'GET').toUpperCase()
  if (o.data === undefined || o.data === null) return { url: o.url }
  if (method === 'GET' && typeof o.data === 'object' && !(o.data instanceof ArrayBuffer)) {
    const q = new URLSearchParams(
      Object.entries(o.data as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    )
    return { url: `${o.url}${o.url.includes('?') ? '&' : '?'}${q}` }
  }
  if (o.data instanceof ArrayBuffer || typeof o.data === 'string') return { url: o.url, body: o.data }
  const type =
    Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json'
  if (type.includes('x-www-form-urlencoded')) {
    const q = new URLSearchParams(
      Object.entries(o.data as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    )
    return { url: o.url, body: q.toString() }
  }
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = type
  return { url: o.url, body: JSON.stringify(o.data) }
}

function wholeData(o: RequestOptions, bytes: ArrayBuffer): unknown {
  if (o.responseType === 'arraybuffer') return bytes
  const text = new TextDecoder().decode(bytes)
  if (o.dataType === undefined || o.dataType === 'json') {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Requests in flight, each with a way to fail it as a lost connection does. */
const inFlight = new Set<() => void>()

/**
 * Fails every request in flight with `request:fail` and aborts its fetch, as WeChat reports a
 * dropped connection (Wi-Fi to 4G, a tunnel). The preview's debug switch for what devices do.
 */
export function dropConnections(): number {
  const count = inFlight.size
  for (const fail of [...inFlight]) fail()
  return count
}

/** Issues one request; `rewrite` maps the app's URL to the one actually fetched (the preview's relay). */
export function request(o: RequestOptions, rewrite: (url: string) => string): PreviewRequestTask {
  const headerCbs = new Set<Listener<{ statusCode: number; header: Headers; cookies: string[] }>>()
  const chunkCbs = new Set<Listener<{ data: ArrayBuffer }>>()
  const controller = new AbortController()
  let aborted = false
  let done = false
  const finish = (ok: boolean, res: unknown) => {
    if (done) return
    done = true
    inFlight.delete(lose)
    clearTimeout(timer)
    if (ok) o.success?.(res)
    else o.fail?.(res as { errMsg: string })
    o.complete?.(res)
  }
  const timer = setTimeout(() => {
    controller.abort()
    finish(false, { errMsg: 'request:fail timeout', errno: 5 })
  }, o.timeout ?? 60_000)
  const headers: Headers = { ...(o.header ?? {}) }
  const { url, body } = encodeBody({ ...o, url: rewrite(o.url) }, headers)
  const lose = () => {
    controller.abort()
    finish(false, { errMsg: 'request:fail', errno: 600001 })
  }
  inFlight.add(lose)

  const run = async () => {
    const res = await fetch(url, {
      method: (o.method ?? 'GET').toUpperCase(),
      headers,
      body,
      signal: controller.signal,
    })
    const header: Headers = {}
    res.headers.forEach((v, k) => {
      header[k] = v
    })
    for (const cb of [...headerCbs]) cb({ statusCode: res.status, header, cookies: [] })
    const parts: Uint8Array[] = []
    const reader = res.body?.getReader()
    while (reader) {
      const { value, done: end } = await reader.read()
      if (end) break
      if (!value || value.byteLength === 0) continue
      // A fresh ArrayBuffer per chunk, exactly the bytes received, like onChunkReceived's `data`.
      const copy = value.slice().buffer as ArrayBuffer
      if (o.enableChunked) for (const cb of [...chunkCbs]) cb({ data: copy })
      else parts.push(value)
    }
    const whole = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
    let at = 0
    for (const p of parts) {
      whole.set(p, at)
      at += p.byteLength
    }
    const data = o.enableChunked ? new ArrayBuffer(0) : wholeData(o, whole.buffer)
    finish(true, { statusCode: res.status, header, data, cookies: [], errMsg: 'request:ok' })
  }
  run().catch((err: unknown) => {
    if (aborted) finish(false, { errMsg: 'request:fail abort', errno: 1 })
    else
      finish(false, {
        errMsg: `request:fail ${err instanceof Error ? err.message : String(err)}`,
        errno: 600001,
      })
  })

  return {
    abort() {
      if (done) return
      aborted = true
      controller.abort()
    },
    onHeadersReceived: (cb) => headerCbs.add(cb),
    offHeadersReceived: (cb) => (cb ? headerCbs.delete(cb) : headerCbs.clear()),
    onChunkReceived: (cb) => chunkCbs.add(cb),
    offChunkReceived: (cb) => (cb ? chunkCbs.delete(cb) : chunkCbs.clear()),
  }
}

/** `wx.uploadFile`: the file as a multipart field (what WeChat sends), answered with the body as text. */
export function uploadFile(
  o: {
    url: string
    filePath: string
    name: string
    header?: Record<string, string>
    formData?: Record<string, string>
    success?: (res: unknown) => void
    fail?: (err: { errMsg: string }) => void
  },
  rewrite: (url: string) => string,
  read: (path: string) => Blob,
): void {
  const body = new FormData()
  for (const [key, value] of Object.entries(o.formData ?? {})) body.append(key, value)
  try {
    body.append(o.name, read(o.filePath), o.filePath.split('/').pop())
  } catch (error) {
    o.fail?.({ errMsg: `uploadFile:fail ${(error as Error).message}` })
    return
  }
  fetch(rewrite(o.url), { method: 'POST', headers: o.header, body })
    .then(async (res) =>
      o.success?.({ statusCode: res.status, data: await res.text(), errMsg: 'uploadFile:ok' }),
    )
    .catch((error: Error) => o.fail?.({ errMsg: `uploadFile:fail ${error.message}` }))
}
