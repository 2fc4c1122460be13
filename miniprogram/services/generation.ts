import { errorMessage, lostConnection } from '../lib/errors/index'
import { headerValue } from '../lib/response/index'
import { relayEndpoint } from '../lib/settings/index'
import type { ChatUpdate } from '../lib/stream/index'
import { createUpdateGate } from '../lib/stream/update-gate'
import { startAuthorizedChatRequest } from './auth'
import { cancelGeneration } from './relay-api'

type ErrorUpdate = Extract<ChatUpdate, { type: 'error' }>

/** One answer as a relay generation: started once, reattached to as often as the network needs. */
export interface GenerationOptions {
  /** The relay's base URL. */
  relayUrl: string
  /** The OpenAI request body that starts the generation. */
  body: object
  /** The settings' access token, if any (otherwise the WeChat login session). */
  token?: string
  /** Chunked delivery (false on base libraries without it: each response is read whole). */
  streaming: boolean
  /** `^[A-Za-z0-9_-]{8,64}$`, fresh per answer; the relay keys the generation by it. */
  generationId: string
  /**
   * Reattach to a generation started earlier (the app was killed mid-answer) instead of starting
   * it: the last event id already shown ('' for none).
   */
  resumeFrom?: string
  /** Deltas (each tagged with its event id), then exactly one `done` or `error`. */
  onUpdate(update: ChatUpdate): void
  /** The connection was lost and is being re-established (true), or the answer flows again (false). */
  onReconnecting?(reconnecting: boolean): void
  /** The error text when a reattach finds the generation gone and nothing was lost in this run. */
  lostMessage?: string
}

/** What the chat session holds while the answer is produced. */
export interface GenerationHandle {
  /** Stops the answer: cancels the generation on the relay and ends with one `aborted` error. */
  stop(): void
  /**
   * Lets go without stopping (another conversation opened, the page closed): the relay goes on
   * generating, nothing more is reported, and the stored answer is reattached to when reopened.
   */
  detach(): void
}

/**
 * Pause before the n-th reattach in a row without progress. The first is immediate: the usual
 * cause is WeChat's ~60 s cap on a request, and the answer is still being generated.
 */
export const REATTACH_DELAYS_MS = [0, 1000, 2000, 4000, 8000, 8000, 8000, 8000]

/** Give up reattaching after this long without a byte of progress (the app hidden counts too). */
export const REATTACH_WINDOW_MS = 5 * 60_000

/**
 * Runs one answer as a resumable relay generation (`X-Generation-Id`). When the request ends
 * without the answer's end — WeChat cut it at ~60 s, the network switched or dropped, the app was
 * hidden — it reattaches with `GET …/v1/generations/<id>/stream` and `Last-Event-ID`, and the
 * answer continues where it stopped, byte for byte: every update carries its event id and the
 * caller keeps the last one with the text. A relay that does not echo the generation id (an older
 * relay, another OpenAI-compatible gateway) is used as before: a lost connection is reported.
 */
export function startGeneration(opts: GenerationOptions): GenerationHandle {
  const out = createUpdateGate(opts.onUpdate, () => release())
  const streamUrl = relayEndpoint(opts.relayUrl, `/v1/generations/${opts.generationId}/stream`)
  let lastEventId = opts.resumeFrom ?? ''
  /** The relay has this generation: reattach with GET. Before that, a retried POST (idempotent). */
  let known = opts.resumeFrom !== undefined
  /** False once a relay answered the start without echoing the id: it cannot resume. */
  let resumable = true
  /** Some response of the relay arrived: a loss now is a loss mid-answer, worth waiting out. */
  let heard = opts.resumeFrom !== undefined
  let current: { abort(): void } | null = null
  let stopped = false
  let attempts = 0
  let lostSince = 0
  let lastLoss: ErrorUpdate | null = null
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let appHidden = false
  let offline = false
  let reconnecting = false

  function setReconnecting(on: boolean): void {
    if (reconnecting === on) return
    reconnecting = on
    opts.onReconnecting?.(on)
  }

  function run(): void {
    retryTimer = undefined
    if (stopped || out.closed) return
    const attach = known
    const headers: Record<string, string> = { 'X-Generation-Id': opts.generationId }
    if (attach || lastEventId !== '') headers['Last-Event-ID'] = lastEventId || '0'
    current = startAuthorizedChatRequest({
      url: attach ? streamUrl : relayEndpoint(opts.relayUrl, '/v1/chat/completions'),
      method: attach ? 'GET' : 'POST',
      body: attach ? undefined : opts.body,
      headers,
      token: opts.token,
      streaming: opts.streaming,
      onHeaders: (status, responseHeaders) => {
        heard = true
        if (status === undefined || status < 200 || status >= 300) return
        if (headerValue(responseHeaders, 'x-generation-id') === opts.generationId) known = true
        else if (!attach) resumable = false
      },
      onUpdate: (update) => onUpdate(update, attach),
    })
  }

  function onUpdate(update: ChatUpdate, attach: boolean): void {
    if (stopped) return
    if (update.eventId !== undefined) {
      lastEventId = update.eventId
      known = true
    }
    if (update.type !== 'error') {
      if (update.type === 'delta') progressed()
      out.emit(update)
      return
    }
    current = null
    if (attach && (update.code === 'generation_not_found' || update.status === 404)) {
      // Expired, cancelled elsewhere, or never started: what was lost stays lost.
      out.emit(
        lastLoss ?? {
          type: 'error',
          code: 'interrupted',
          message: opts.lostMessage ?? errorMessage('interrupted'),
        },
      )
      return
    }
    if (resumable && lostConnection(update.code)) {
      lose(update)
      return
    }
    out.emit(update)
  }

  function progressed(): void {
    attempts = 0
    lostSince = 0
    lastLoss = null
    setReconnecting(false)
  }

  function lose(update: ErrorUpdate): void {
    lastLoss = update
    const now = Date.now()
    if (lostSince === 0) lostSince = now
    // Never reached the relay at all (it is down, the URL is wrong): one quick retry, then say so.
    const limit = heard ? REATTACH_DELAYS_MS.length : 1
    if (now - lostSince > REATTACH_WINDOW_MS || attempts >= limit) {
      out.emit(update)
      return
    }
    setReconnecting(true)
    // Hidden or offline, a request would only fail again: wait for onAppShow / the network.
    if (appHidden || offline) return
    const delay = REATTACH_DELAYS_MS[attempts] ?? 0
    attempts++
    retryTimer = setTimeout(run, delay)
  }

  /** The network came back or the app is visible again: try now instead of waiting out a pause. */
  function retryNow(): void {
    if (stopped || out.closed || current !== null || lastLoss === null) return
    if (retryTimer !== undefined) clearTimeout(retryTimer)
    attempts = Math.min(attempts, 1)
    retryTimer = setTimeout(run, 0)
  }

  const onNetwork: WechatMiniprogram.OnNetworkStatusChangeCallback = (res) => {
    offline = !res.isConnected
    if (res.isConnected) retryNow()
  }
  const onShow = () => {
    appHidden = false
    retryNow()
  }
  const onHide = () => {
    appHidden = true
  }
  if (typeof wx.onNetworkStatusChange === 'function') wx.onNetworkStatusChange(onNetwork)
  if (typeof wx.onAppShow === 'function') wx.onAppShow(onShow)
  if (typeof wx.onAppHide === 'function') wx.onAppHide(onHide)

  function release(): void {
    if (retryTimer !== undefined) clearTimeout(retryTimer)
    retryTimer = undefined
    setReconnecting(false)
    if (typeof wx.offNetworkStatusChange === 'function') {
      // The typings give off* a different callback type than on*; it is the same function.
      wx.offNetworkStatusChange(onNetwork as unknown as WechatMiniprogram.OffNetworkStatusChangeCallback)
    }
    if (typeof wx.offAppShow === 'function') wx.offAppShow(onShow)
    if (typeof wx.offAppHide === 'function') wx.offAppHide(onHide)
  }

  run()

  return {
    detach() {
      if (stopped || out.closed) return
      stopped = true
      const request = current
      current = null
      release()
      request?.abort()
    },
    stop() {
      if (stopped || out.closed) return
      stopped = true
      const request = current
      current = null
      request?.abort()
      // Whether or not the relay heard of it yet: a start still in flight is cancelled there too.
      cancelGeneration(opts.relayUrl, opts.generationId, opts.token).catch(() => undefined)
      out.emit({ type: 'error', code: 'aborted', message: errorMessage('aborted') })
    },
  }
}
