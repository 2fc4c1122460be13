import { request as httpRequest } from 'node:http'

/**
 * `wx.request` over a real socket (node:http), for tests against a real
 * loopback server such as the relay. Chunk events are the socket's own reads,
 * so boundaries and timing are real. Only http:// URLs (loopback in tests).
 */
export interface HttpWxRequest {
  request: (options: WechatMiniprogram.RequestOption) => WechatMiniprogram.RequestTask
  calls: WechatMiniprogram.RequestOption[]
  /** Chunk events delivered per call. */
  chunkCounts: number[]
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(buffer.length)
  new Uint8Array(out).set(buffer)
  return out
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** Creates the adapter; install it with `installWx({ request })`. */
export function createHttpWxRequest(): HttpWxRequest {
  const calls: WechatMiniprogram.RequestOption[] = []
  const chunkCounts: number[] = []

  function request(options: WechatMiniprogram.RequestOption): WechatMiniprogram.RequestTask {
    const index = calls.push(options) - 1
    chunkCounts[index] = 0
    const chunkListeners = new Set<(res: { data: ArrayBuffer }) => void>()
    const headerListeners = new Set<
      (res: WechatMiniprogram.RequestTaskOnHeadersReceivedListenerResult) => void
    >()
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined

    const finish = (kind: 'success' | 'fail', result: Record<string, unknown>) => {
      if (done) return
      done = true
      if (timer) clearTimeout(timer)
      if (kind === 'success')
        options.success?.(result as unknown as WechatMiniprogram.RequestSuccessCallbackResult)
      else options.fail?.(result as unknown as WechatMiniprogram.RequestFailCallbackErr)
      options.complete?.(result as unknown as WechatMiniprogram.GeneralCallbackResult)
    }

    const url = new URL(options.url)
    const body =
      typeof options.data === 'string' ? options.data : options.data ? JSON.stringify(options.data) : ''
    const req = httpRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'GET',
        // No pooled keep-alive sockets: each test's relay closes cleanly.
        agent: false,
        headers: { ...(options.header as Record<string, string>), 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const header = flatHeaders(res.headers)
        // Listeners are registered right after wx.request returns; the response is always later.
        for (const cb of [...headerListeners]) cb({ header, statusCode: res.statusCode ?? 0, cookies: [] })
        const whole: Buffer[] = []
        res.on('data', (buf: Buffer) => {
          if (done) return
          if (options.enableChunked) {
            chunkCounts[index]!++
            for (const cb of [...chunkListeners]) cb({ data: toArrayBuffer(buf) })
          } else whole.push(buf)
        })
        res.on('end', () => {
          const bytes = Buffer.concat(whole)
          let data: unknown = options.enableChunked ? new ArrayBuffer(0) : toArrayBuffer(bytes)
          if (!options.enableChunked && options.responseType !== 'arraybuffer') {
            const text = bytes.toString('utf8')
            try {
              data = options.dataType === undefined || options.dataType === 'json' ? JSON.parse(text) : text
            } catch {
              data = text
            }
          }
          finish('success', { statusCode: res.statusCode, header, data, cookies: [], errMsg: 'request:ok' })
        })
        res.on('aborted', () => finish('fail', { errMsg: 'request:fail', errno: 600001 }))
        res.on('error', () => finish('fail', { errMsg: 'request:fail', errno: 600001 }))
      },
    )
    req.on('error', (error) => finish('fail', { errMsg: `request:fail ${error.message}`, errno: 600001 }))
    if (options.timeout) {
      timer = setTimeout(() => {
        req.destroy()
        finish('fail', { errMsg: 'request:fail timeout', errno: 5 })
      }, options.timeout)
    }
    req.end(body)

    return {
      abort() {
        req.destroy()
        setTimeout(() => finish('fail', { errMsg: 'request:fail abort', errno: 0 }), 0)
      },
      onHeadersReceived: (cb) => void headerListeners.add(cb),
      offHeadersReceived: (cb) => (cb ? void headerListeners.delete(cb) : headerListeners.clear()),
      onChunkReceived: (cb) => void chunkListeners.add(cb),
      offChunkReceived: (cb) => (cb ? void chunkListeners.delete(cb) : chunkListeners.clear()),
    } as WechatMiniprogram.RequestTask
  }

  return { request, calls, chunkCounts }
}
