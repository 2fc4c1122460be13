/**
 * A realistic `wx.request` double for Node tests. It delivers on real timers,
 * in the order WeChat does: `onHeadersReceived({ statusCode, header, cookies })`,
 * then (with `enableChunked`) the body as `onChunkReceived({ data: ArrayBuffer })`
 * chunks, then `success({ statusCode, header, data })` and `complete`. Chunk
 * boundaries fall anywhere (mid-line, mid-UTF-8 character). It can also behave
 * like platforms that send no chunks and put the whole body in `success`, or
 * merge chunks; fail with WeChat's `errMsg`s; stall; honour `timeout`; abort.
 */

import { seededRandom } from './random'

/** How one request is answered. */
export interface WxResponse {
  /** HTTP status (default 200). */
  status?: number
  /** Response headers (default `Content-Type: text/event-stream` for 2xx, JSON otherwise). */
  headers?: Record<string, string>
  /** The body, byte for byte. */
  body: string | Uint8Array
  /**
   * `chunks`: onChunkReceived per chunk, `success.data` empty (what devices do);
   * `no-chunks`: no chunk events, the whole body in `success.data` (PC WeChat, some base libraries);
   * `merged`: chunks delivered merged in pairs. Without `enableChunked` it is always `no-chunks`.
   */
  mode?: 'chunks' | 'no-chunks' | 'merged'
  /** Chunk sizes: `random` (1–64 bytes, seeded) or a fixed size. Default random. */
  chunkSizes?: 'random' | number
  /** Seed of the random chunking (default 1). */
  seed?: number
  /** Delay before the headers and between chunks, ms (default 0: next macrotask). */
  delayMs?: number
  /** With `errMsg`: how many chunks are delivered before the fail (default 0: fail before the headers). */
  failAfter?: number
  /** Fail with this `errMsg`, e.g. `request:fail interrupted`. */
  errMsg?: string
  /** Stop after this many chunks (0 = right after the headers) and never finish (until abort or `timeout`). */
  stallAfter?: number
  /** Stall before even the headers. */
  stallBeforeHeaders?: boolean
  /** Leave `statusCode` out of the headers event, as WeChat DevTools does. */
  omitHeaderStatus?: boolean
  /** In chunks mode, what `success.data` holds: an empty ArrayBuffer (default), undefined, or the whole body again. */
  successData?: 'empty' | 'undefined' | 'body'
}

/** One recorded `wx.request` call. */
export interface RecordedRequest {
  options: WechatMiniprogram.RequestOption
  /** Parsed `options.data` when it was a JSON string. */
  json: unknown
  aborted: boolean
  /** Listener counts at the end, to check that the client unsubscribed. */
  task: FakeRequestTask
}

/** The RequestTask the double returns. */
export interface FakeRequestTask extends WechatMiniprogram.RequestTask {
  readonly chunkListeners: number
  readonly headerListeners: number
}

/** The double: `request` goes on `wx`, `calls` records every call. */
export interface WxRequestDouble {
  request: (options: WechatMiniprogram.RequestOption) => FakeRequestTask
  calls: RecordedRequest[]
  /** Resolves when every request so far has finished (success, fail or abort). */
  settled(): Promise<void>
}

type Respond = (options: WechatMiniprogram.RequestOption) => WxResponse

export { seededRandom }

/** Splits bytes as the response asks. */
export function splitBody(bytes: Uint8Array, response: WxResponse): Uint8Array[] {
  const sizes = response.chunkSizes ?? 'random'
  const random = seededRandom(response.seed ?? 1)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < bytes.length; ) {
    const size = sizes === 'random' ? 1 + Math.floor(random() * 64) : Math.max(1, sizes)
    chunks.push(bytes.slice(i, i + size))
    i += size
  }
  if (response.mode !== 'merged') return chunks
  const merged: Uint8Array[] = []
  for (let i = 0; i < chunks.length; i += 2) {
    const a = chunks[i]!
    const b = chunks[i + 1]
    if (!b) merged.push(a)
    else {
      const both = new Uint8Array(a.length + b.length)
      both.set(a)
      both.set(b, a.length)
      merged.push(both)
    }
  }
  return merged
}

/** A standalone ArrayBuffer holding exactly these bytes (what onChunkReceived hands out). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.length)
  new Uint8Array(buffer).set(bytes)
  return buffer
}

function bodyBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body
}

/** `success.data` when the whole body is delivered at once, shaped by responseType/dataType. */
function wholeData(options: WechatMiniprogram.RequestOption, bytes: Uint8Array): unknown {
  if (options.responseType === 'arraybuffer') return toArrayBuffer(bytes)
  const text = Buffer.from(bytes).toString('utf8')
  if (options.dataType === undefined || options.dataType === 'json') {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Real-timer wait; 0 still yields a macrotask (setImmediate: thousands of chunks stay fast). */
const wait = (ms: number) =>
  new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)))

/** Creates the double; `respond` decides how each call is answered. */
export function createWxRequestDouble(respond: Respond): WxRequestDouble {
  const calls: RecordedRequest[] = []
  const running: Promise<void>[] = []

  function request(options: WechatMiniprogram.RequestOption): FakeRequestTask {
    const chunkListeners = new Set<(res: { data: ArrayBuffer }) => void>()
    const headerListeners = new Set<
      (res: WechatMiniprogram.RequestTaskOnHeadersReceivedListenerResult) => void
    >()
    let done = false
    let wake: (() => void) | undefined
    let timeoutTimer: ReturnType<typeof setTimeout> | undefined

    function finish(kind: 'success' | 'fail', result: unknown): void {
      if (done) return
      done = true
      if (timeoutTimer !== undefined) clearTimeout(timeoutTimer)
      if (kind === 'success') options.success?.(result as WechatMiniprogram.RequestSuccessCallbackResult)
      else options.fail?.(result as WechatMiniprogram.RequestFailCallbackErr)
      options.complete?.(result as WechatMiniprogram.GeneralCallbackResult)
      wake?.()
    }

    const task: FakeRequestTask = {
      abort() {
        record.aborted = true
        // WeChat reports an abort through fail, asynchronously.
        setTimeout(() => finish('fail', { errMsg: 'request:fail abort', errno: 0 }), 0)
      },
      onHeadersReceived: (cb) => void headerListeners.add(cb),
      offHeadersReceived: (cb) => (cb ? void headerListeners.delete(cb) : headerListeners.clear()),
      onChunkReceived: (cb) => void chunkListeners.add(cb),
      offChunkReceived: (cb) => (cb ? void chunkListeners.delete(cb) : chunkListeners.clear()),
      get chunkListeners() {
        return chunkListeners.size
      },
      get headerListeners() {
        return headerListeners.size
      },
    } as FakeRequestTask

    let json: unknown
    try {
      json = typeof options.data === 'string' ? JSON.parse(options.data) : options.data
    } catch {
      json = undefined
    }
    const record: RecordedRequest = { options, json, aborted: false, task }
    calls.push(record)
    const response = respond(options)

    async function deliver(): Promise<void> {
      const delay = response.delayMs ?? 0
      const status = response.status ?? 200
      const ok = status >= 200 && status < 300
      const header = response.headers ?? {
        'Content-Type': ok ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8',
      }
      const bytes = bodyBytes(response.body)
      const chunked = options.enableChunked === true && (response.mode ?? 'chunks') !== 'no-chunks'
      const chunks = chunked ? splitBody(bytes, response) : []
      const stall = () => (done ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve)))
      if (options.timeout !== undefined) {
        timeoutTimer = setTimeout(
          () => finish('fail', { errMsg: 'request:fail timeout', errno: 5 }),
          options.timeout,
        )
      }
      await wait(delay)
      if (done) return
      if (response.errMsg && (response.failAfter ?? 0) === 0) {
        finish('fail', { errMsg: response.errMsg, errno: 600001 })
        return
      }
      if (response.stallBeforeHeaders) return stall()
      const headersEvent = { header, statusCode: status, cookies: [] }
      if (response.omitHeaderStatus) delete (headersEvent as Partial<typeof headersEvent>).statusCode
      for (const cb of [...headerListeners]) cb(headersEvent)
      for (let i = 0; i < chunks.length; i++) {
        if (response.stallAfter === i) return stall()
        await wait(delay)
        if (done) return
        for (const cb of [...chunkListeners]) cb({ data: toArrayBuffer(chunks[i]!) })
        if (response.errMsg && response.failAfter === i + 1) {
          await wait(delay)
          finish('fail', { errMsg: response.errMsg, errno: 600001 })
          return
        }
      }
      if (response.stallAfter !== undefined && response.stallAfter >= chunks.length) return stall()
      if (response.errMsg) {
        finish('fail', { errMsg: response.errMsg, errno: 600001 })
        return
      }
      await wait(delay)
      let data: unknown = wholeData(options, bytes)
      if (chunked) {
        const kind = response.successData ?? 'empty'
        data = kind === 'empty' ? new ArrayBuffer(0) : kind === 'undefined' ? undefined : data
      }
      finish('success', { statusCode: status, header, data, cookies: [], errMsg: 'request:ok' })
    }

    // A stalled delivery resolves only when abort or the timeout finishes the request.
    running.push(deliver())
    return task
  }

  return {
    request,
    calls,
    async settled() {
      await Promise.all(running)
    },
  }
}

/** WeChat's storage limits (per key and in total), as the real runtime enforces them. */
export const WX_STORAGE_KEY_LIMIT = 1024 * 1024
export const WX_STORAGE_TOTAL_LIMIT = 10 * 1024 * 1024

/** The handle `installWx` returns. */
export interface InstalledWx {
  /** The object installed as the global `wx`. */
  wx: Record<string, unknown>
  /** Stored values, serialized as JSON like the real storage. */
  storage: Map<string, string>
  /** Arguments of every call to a recorded no-op API, by name (showToast, login…). */
  recorded: Record<string, unknown[]>
  /** How many `onAppHide` listeners are registered (to check that code unsubscribes). */
  appHideListeners(): number
  /** Calls the `onAppHide` / `onAppShow` listeners, as when the user leaves or returns. */
  hideApp(): void
  showApp(): void
  /** Restores the previous global `wx`. */
  uninstall(): void
}

function entrySize(key: string, json: string): number {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(json, 'utf8')
}

/**
 * Installs a global `wx` for tests: `request` (a double, or one that fails
 * with `request:fail` if none is given), an in-memory storage with WeChat's
 * 1 MB-per-key and 10 MB-total limits (throwing `setStorageSync:fail …` like
 * the runtime), app hide/show listeners, and no-op recorders for UI APIs.
 * `extra` overrides or adds anything.
 */
export function installWx(extra: Record<string, unknown> = {}): InstalledWx {
  const g = globalThis as unknown as { wx?: unknown }
  const previous = g.wx
  const storage = new Map<string, string>()
  const recorded: Record<string, unknown[]> = {}
  const hideListeners = new Set<() => void>()
  const showListeners = new Set<() => void>()

  function used(exceptKey?: string): number {
    let total = 0
    for (const [key, json] of storage) if (key !== exceptKey) total += entrySize(key, json)
    return total
  }

  function recorder(name: string, result?: (args: Record<string, unknown>) => unknown) {
    return (args: Record<string, unknown> = {}) => {
      recorded[name] ??= []
      recorded[name].push(args)
      const res = { errMsg: `${name}:ok`, ...(result ? (result(args) as object) : {}) }
      setTimeout(() => {
        ;(args.success as ((r: unknown) => void) | undefined)?.(res)
        ;(args.complete as ((r: unknown) => void) | undefined)?.(res)
      }, 0)
    }
  }

  const wx: Record<string, unknown> = {
    request: () => {
      throw new Error('installWx: no request double given')
    },
    getStorageSync(key: string): unknown {
      const json = storage.get(key)
      // WeChat returns an empty string for a missing key.
      return json === undefined ? '' : JSON.parse(json)
    },
    setStorageSync(key: string, data: unknown): void {
      if (typeof key !== 'string' || key === '') throw new Error('setStorageSync:fail parameter error: key')
      const json = JSON.stringify(data === undefined ? null : data)
      const size = entrySize(key, json)
      if (size > WX_STORAGE_KEY_LIMIT) throw new Error('setStorageSync:fail entry size limit reached')
      if (used(key) + size > WX_STORAGE_TOTAL_LIMIT) {
        throw new Error('setStorageSync:fail exceed storage max size 10MB')
      }
      storage.set(key, json)
    },
    removeStorageSync(key: string): void {
      storage.delete(key)
    },
    clearStorageSync(): void {
      storage.clear()
    },
    getStorageInfoSync() {
      return {
        keys: [...storage.keys()],
        currentSize: Math.ceil(used() / 1024),
        limitSize: WX_STORAGE_TOTAL_LIMIT / 1024,
      }
    },
    onAppHide: (cb: () => void) => void hideListeners.add(cb),
    offAppHide: (cb?: () => void) => (cb ? void hideListeners.delete(cb) : hideListeners.clear()),
    onAppShow: (cb: () => void) => void showListeners.add(cb),
    offAppShow: (cb?: () => void) => (cb ? void showListeners.delete(cb) : showListeners.clear()),
    login: recorder('login', () => ({ code: 'test-code' })),
    showToast: recorder('showToast'),
    hideToast: recorder('hideToast'),
    showModal: recorder('showModal', () => ({ confirm: true, cancel: false })),
    showLoading: recorder('showLoading'),
    hideLoading: recorder('hideLoading'),
    setClipboardData: recorder('setClipboardData'),
    vibrateShort: recorder('vibrateShort'),
    navigateTo: recorder('navigateTo'),
    getSystemInfoSync: () => ({
      SDKVersion: '3.6.0',
      platform: 'devtools',
      windowWidth: 375,
      windowHeight: 667,
    }),
    ...extra,
  }
  g.wx = wx
  return {
    wx,
    storage,
    recorded,
    appHideListeners: () => hideListeners.size,
    hideApp: () => {
      for (const cb of [...hideListeners]) cb()
    },
    showApp: () => {
      for (const cb of [...showListeners]) cb()
    },
    uninstall() {
      if (previous === undefined) delete g.wx
      else g.wx = previous
    },
  }
}
