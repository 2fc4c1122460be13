import { errorMessage, localizeError } from '../lib/errors/index'
import {
  describeHttpError,
  describeRequestFail,
  headerValue,
  parseCompletionBody,
} from '../lib/response/index'
import { bytesToText, concatBytes, responseBytes, toBytes } from '../lib/stream/bytes'
import type { ChatUpdate } from '../lib/stream/index'
import { createChatDecoder } from '../lib/stream/index'
import { createUpdateGate } from '../lib/stream/update-gate'

/** Options of one chat request (the contract other code builds against). */
export interface ChatRequestOptions {
  /** Full `<relayUrl>/v1/chat/completions` (or a generation's `…/stream` with `method: 'GET'`). */
  url: string
  /** POST (default) sends `body`; GET reads an existing generation's stream. */
  method?: 'POST' | 'GET'
  /** The OpenAI request body (model, messages, temperature…); `stream` is set here. POST only. */
  body?: object
  /** More request headers (`X-Generation-Id`, `Last-Event-ID`). */
  headers?: Record<string, string>
  /** The response's status and headers, as soon as they arrive (before any body byte). */
  onHeaders?(status: number | undefined, headers: unknown): void
  /** Access token, sent as `Authorization: Bearer …` when set. */
  token?: string
  /** Receives deltas, then exactly one `done` or `error` (its message in Chinese), and nothing after it. */
  onUpdate(update: ChatUpdate): void
  /** Streaming only: fail when no body byte arrives this long after sending (default 30 s). */
  firstByteTimeoutMs?: number
  /** Streaming only: fail when the stream goes quiet this long (default 60 s; relays send heartbeats). */
  idleTimeoutMs?: number
  /** `false` for base libraries without `enableChunked`: one non-streaming request. */
  streaming?: boolean
  /** `wx.request` timeout for the whole request (default 10 minutes: long answers). */
  timeoutMs?: number
}

/** What the page holds on to while an answer streams. */
export interface ChatRequestHandle {
  /** Stops the request; emits one `aborted` error ('已停止生成') unless already finished. */
  abort(): void
}

const DEFAULT_FIRST_BYTE_MS = 30_000
const DEFAULT_IDLE_MS = 60_000
const DEFAULT_REQUEST_MS = 600_000

function isOk(status: number): boolean {
  return status >= 200 && status < 300
}

/**
 * Sends one chat request through `wx.request` and turns the answer into
 * `ChatUpdate`s. Streams with `enableChunked` into the shared decoder; a
 * refused request (non-2xx, or JSON instead of an event stream) is read whole
 * and reported as one readable error. Platforms that deliver no chunks and put
 * the whole body in `success` go through the same decoder, once.
 */
export function startChatRequest(opts: ChatRequestOptions): ChatRequestHandle {
  const streaming = opts.streaming !== false
  let appHidden = false
  let gotChunk = false
  /** Read the body whole (an error, or a non-streaming answer) instead of decoding it as it comes. */
  let buffered = !streaming
  /** Status from the headers; DevTools leaves it out, then `success` tells. */
  let status: number | undefined
  let headers: unknown
  /** Chunks kept for reading whole: always when buffered, and while the status is still unknown. */
  const kept: Uint8Array[] = []
  let firstByteTimer: ReturnType<typeof setTimeout> | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let task: WechatMiniprogram.RequestTask | undefined

  const onAppHide = () => {
    appHidden = true
  }

  function cleanup(): void {
    if (firstByteTimer !== undefined) clearTimeout(firstByteTimer)
    if (idleTimer !== undefined) clearTimeout(idleTimer)
    firstByteTimer = idleTimer = undefined
    if (typeof wx.offAppHide === 'function') wx.offAppHide(onAppHide)
    // Old base libraries lack the off* methods (and onChunkReceived).
    if (typeof task?.offChunkReceived === 'function') task.offChunkReceived(onChunk)
    if (typeof task?.offHeadersReceived === 'function') task.offHeadersReceived(onHeaders)
  }

  // Relay frames and provider errors may be English; the user reads Chinese.
  const gate = createUpdateGate(
    (update) => opts.onUpdate(update.type === 'error' ? localizeError(update) : update),
    cleanup,
  )
  const emit = gate.emit

  function failWith(code: 'first_byte_timeout' | 'idle_timeout'): void {
    if (gate.closed) return
    emit({ type: 'error', code, message: errorMessage(code) })
    task?.abort()
  }

  function armIdle(): void {
    if (!streaming) return
    if (idleTimer !== undefined) clearTimeout(idleTimer)
    idleTimer = setTimeout(() => failWith('idle_timeout'), opts.idleTimeoutMs ?? DEFAULT_IDLE_MS)
  }

  const decoder = createChatDecoder(emit)

  function readWhole(bytes: Uint8Array, finalStatus: number | undefined, finalHeaders: unknown): void {
    const text = bytesToText(bytes)
    if (finalStatus !== undefined && !isOk(finalStatus)) {
      emit(describeHttpError(finalStatus, text, finalHeaders, Date.now()))
      return
    }
    for (const update of parseCompletionBody(text, finalStatus)) emit(update)
  }

  function onHeaders(res: WechatMiniprogram.RequestTaskOnHeadersReceivedListenerResult): void {
    if (gate.closed) return
    headers = res.header
    if (typeof res.statusCode === 'number') status = res.statusCode
    opts.onHeaders?.(status, res.header)
    const type = headerValue(res.header, 'content-type')
    const notStream = type !== undefined && !/text\/event-stream/i.test(type)
    if ((status !== undefined && !isOk(status)) || notStream) buffered = true
  }

  function onChunk(res: WechatMiniprogram.OnChunkReceivedListenerResult): void {
    if (gate.closed || !res || !res.data) return
    if (!gotChunk && firstByteTimer !== undefined) {
      clearTimeout(firstByteTimer)
      firstByteTimer = undefined
    }
    gotChunk = true
    armIdle()
    // Copy: a platform may reuse the buffer it hands out.
    if (buffered || status === undefined) kept.push(toBytes(res.data).slice())
    if (!buffered) decoder.push(res.data)
  }

  function onSuccess(res: WechatMiniprogram.RequestSuccessCallbackResult): void {
    if (gate.closed) return
    const finalStatus = typeof res.statusCode === 'number' ? res.statusCode : status
    const finalHeaders = res.header ?? headers
    // Platforms without the headers event (and DevTools without its status) tell only now.
    if (headers === undefined || status === undefined) opts.onHeaders?.(finalStatus, finalHeaders)
    const body = gotChunk ? concatBytes(kept) : responseBytes(res.data)
    if (buffered || (finalStatus !== undefined && !isOk(finalStatus))) {
      readWhole(body, finalStatus, finalHeaders)
      return
    }
    if (!gotChunk && body.length > 0) decoder.push(body)
    decoder.end()
  }

  if (typeof wx.onAppHide === 'function') wx.onAppHide(onAppHide)
  const method = opts.method ?? 'POST'
  const header: Record<string, string> = { ...opts.headers }
  if (method === 'POST') header['Content-Type'] = 'application/json'
  if (opts.token) header.Authorization = `Bearer ${opts.token}`
  if (streaming) {
    firstByteTimer = setTimeout(
      () => failWith('first_byte_timeout'),
      opts.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_MS,
    )
  }
  try {
    task = wx.request({
      url: opts.url,
      method,
      header,
      ...(method === 'POST' ? { data: JSON.stringify({ ...opts.body, stream: streaming }) } : {}),
      enableChunked: streaming,
      responseType: 'arraybuffer',
      dataType: '其他',
      timeout: opts.timeoutMs ?? DEFAULT_REQUEST_MS,
      success: onSuccess,
      fail: (err) => {
        if (!gate.closed) emit(describeRequestFail(err?.errMsg, appHidden))
      },
    })
  } catch {
    // An invalid URL (or a platform refusing the call) throws synchronously on some base libraries.
    emit({ type: 'error', code: 'network', message: errorMessage('network') })
  }
  if (task && !gate.closed) {
    task.onHeadersReceived(onHeaders)
    if (streaming && typeof task.onChunkReceived === 'function') task.onChunkReceived(onChunk)
  }

  return {
    abort() {
      if (gate.closed) return
      emit({ type: 'error', code: 'aborted', message: errorMessage('aborted') })
      task?.abort()
    },
  }
}
