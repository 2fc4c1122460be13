import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Knobs a test turns to make the emulated WeChat misbehave. */
export interface WechatEmulatorKnobs {
  /** Every endpoint answers HTTP 503 (WeChat unreachable as far as the relay can tell). */
  down: boolean
  /** Every endpoint answers `{errcode:-1}` (system busy). */
  busy: boolean
  /** msg_sec_check answers `risky` when the content contains any of these. */
  riskyWords: string[]
  /** msg_sec_check answers `review` when the content contains any of these. */
  reviewWords: string[]
  /** jscode2session answers 45011 (rate limit). */
  rateLimitLogin: boolean
  /** Seconds reported in stable_token's `expires_in`. */
  tokenTtlS: number
  /** msg_sec_check answers after this long (WeChat's own round trip). */
  checkDelayMs: number
  /**
   * media_check_async: the verdict pushed once the image was fetched — `pass`, `risky`, `late`
   * (pass, after `mediaLateMs`) or `never` (no push at all).
   */
  mediaVerdict: 'pass' | 'risky' | 'late' | 'never'
  mediaLateMs: number
  /** Awaited after the fetch, before the verdict is pushed (a test holds the verdict back until it lets go). */
  mediaGate: (() => Promise<void>) | null
  /** Where verdicts are pushed (the relay's `/wx/push`) and the Token they are signed with. */
  pushUrl: string
  pushToken: string
  /** The EncodingAESKey: set, verdicts are pushed in the safe mode (encrypted); '' = plaintext. */
  pushAesKey: string
}

/** One media_check_async call and what became of it. */
export interface MediaCheckRecord {
  traceId: string
  mediaUrl: string
  /** 1: audio, 2: image. */
  mediaType: number
  openid: string
  /** HTTP status of the emulator's fetch of `mediaUrl` (0: it could not connect). */
  fetchStatus?: number
  /** The bytes it fetched (only on 200), and the Content-Type they came with. */
  fetched?: Buffer
  fetchedType?: string
  /** Status the relay answered the signed push with (absent: not pushed). */
  pushStatus?: number
  /** Resolves once the check is over on the emulator's side (pushed, or nothing more will happen). */
  done: Promise<void>
}

/** How often each endpoint was called, for asserting caching and retries. */
export interface WechatCounters {
  jscode2session: number
  stableToken: number
  forcedRefresh: number
  msgSecCheck: number
  mediaCheckAsync: number
  /** msg_sec_check calls refused with 40001. */
  invalidToken: number
}

/** A running emulator of WeChat's server API on 127.0.0.1. */
export interface WechatEmulator {
  /** Use as WX_API_BASE. */
  url: string
  appid: string
  secret: string
  knobs: WechatEmulatorKnobs
  counters: WechatCounters
  /** Every content string sent to msg_sec_check, in order. */
  checked: Array<{ content: string; openid: string }>
  /** Every media_check_async call, in order. */
  mediaChecks: MediaCheckRecord[]
  /** A fresh single-use login code for this openid, as wx.login would hand the app. */
  issueCode(openid: string): string
  /** Invalidates the current access_token: the next msg_sec_check with it gets 40001. */
  expireToken(): void
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
  } catch {
    return null
  }
}

const rid = (): string => `rid: ${Math.random().toString(16).slice(2, 10)}`

const sha1 = (parts: string[]): string => createHash('sha1').update(parts.sort().join('')).digest('hex')

/** The safe mode's `Encrypt`: AES-256-CBC (IV = the key's first 16 bytes) of random16 ‖ length ‖ message ‖ appid, padded to 32. */
export function encryptPush(message: string, encodingAesKey: string, appid: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  const body = Buffer.from(message)
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length, 0)
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(appid)])
  const pad = 32 - (plain.length % 32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64')
}

/**
 * Signs and POSTs one JSON event to a message-push URL as WeChat does (`signature` = SHA-1 of the
 * sorted token, timestamp and nonce; in the safe mode, given `aes`, the event travels encrypted in
 * `Encrypt` with `msg_signature` over it too); resolves with the status it was answered with.
 */
export async function pushEvent(
  pushUrl: string,
  pushToken: string,
  event: object,
  aes?: { key: string; appid: string },
): Promise<number> {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(Math.floor(Math.random() * 1e9))
  let query = `signature=${sha1([pushToken, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}`
  let body = JSON.stringify(event)
  if (aes) {
    const encrypted = encryptPush(body, aes.key, aes.appid)
    query += `&encrypt_type=aes&msg_signature=${sha1([pushToken, timestamp, nonce, encrypted])}`
    body = JSON.stringify({ ToUserName: 'gh_emulator', Encrypt: encrypted })
  }
  try {
    const res = await fetch(`${pushUrl}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 0
  }
}

/**
 * Emulates jscode2session (GET, query), stable_token (POST JSON), msg_sec_check v2 (POST JSON,
 * `?access_token=` or none in `tokenless` mode) and media_check_async v2 — which, like WeChat,
 * fetches the media URL over HTTP and pushes a signed verdict to `knobs.pushUrl` — with WeChat's
 * documented shapes and errcodes.
 */
export async function startWechatEmulator(opts: { tokenless?: boolean } = {}): Promise<WechatEmulator> {
  const appid = 'wx00000000emulator'
  const secret = 'emulator-app-secret-0123456789abcdef'
  const codes = new Map<string, string>()
  const knobs: WechatEmulatorKnobs = {
    down: false,
    busy: false,
    riskyWords: [],
    reviewWords: [],
    rateLimitLogin: false,
    tokenTtlS: 7200,
    checkDelayMs: 0,
    mediaVerdict: 'pass',
    mediaLateMs: 0,
    mediaGate: null,
    pushUrl: '',
    pushToken: '',
    pushAesKey: '',
  }
  const counters: WechatCounters = {
    jscode2session: 0,
    stableToken: 0,
    forcedRefresh: 0,
    msgSecCheck: 0,
    mediaCheckAsync: 0,
    invalidToken: 0,
  }
  const checked: Array<{ content: string; openid: string }> = []
  const mediaChecks: MediaCheckRecord[] = []
  let token = ''
  let tokenSerial = 0
  let codeSerial = 0
  const newToken = (): string => {
    tokenSerial += 1
    token = `EMU_ACCESS_TOKEN_${tokenSerial}_${Math.random().toString(36).slice(2)}`
    return token
  }

  const jscode2session = (url: URL, res: ServerResponse) => {
    counters.jscode2session += 1
    const q = url.searchParams
    if (q.get('appid') !== appid || q.get('secret') !== secret) {
      return send(res, 200, { errcode: 40125, errmsg: `invalid appsecret, ${rid()}` })
    }
    if (q.get('grant_type') !== 'authorization_code') {
      return send(res, 200, { errcode: 40002, errmsg: `invalid grant_type, ${rid()}` })
    }
    if (knobs.rateLimitLogin)
      return send(res, 200, { errcode: 45011, errmsg: `api minute-quota reach limit, ${rid()}` })
    const code = q.get('js_code') ?? ''
    const openid = codes.get(code)
    // A code is good for one exchange only, as on WeChat.
    if (!openid) return send(res, 200, { errcode: 40029, errmsg: `invalid code, ${rid()}` })
    codes.delete(code)
    send(res, 200, { openid, session_key: Buffer.from(`sk-${openid}`).toString('base64') })
  }

  const stableToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.stableToken += 1
    const body = await readJson(req)
    if (!body) return send(res, 200, { errcode: 47001, errmsg: `data format error, ${rid()}` })
    if (body.grant_type !== 'client_credential') {
      return send(res, 200, { errcode: 40002, errmsg: `invalid grant_type, ${rid()}` })
    }
    if (body.appid !== appid || body.secret !== secret) {
      return send(res, 200, { errcode: 40125, errmsg: `invalid appsecret, ${rid()}` })
    }
    if (body.force_refresh === true) counters.forcedRefresh += 1
    if (body.force_refresh === true || token === '') newToken()
    send(res, 200, { access_token: token, expires_in: knobs.tokenTtlS })
  }

  const msgSecCheck = async (url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.msgSecCheck += 1
    if (!opts.tokenless && url.searchParams.get('access_token') !== token) {
      counters.invalidToken += 1
      return send(res, 200, {
        errcode: 40001,
        errmsg: `invalid credential, access_token is invalid or not latest, ${rid()}`,
      })
    }
    const body = await readJson(req)
    if (!body) return send(res, 200, { errcode: 47001, errmsg: `data format error, ${rid()}` })
    const { content, openid, version, scene } = body
    if (version !== 2 || typeof openid !== 'string' || openid === '') {
      return send(res, 200, { errcode: 40003, errmsg: `invalid openid, ${rid()}` })
    }
    if (scene !== 1 && scene !== 2 && scene !== 3 && scene !== 4) {
      return send(res, 200, { errcode: 40129, errmsg: `invalid scene, ${rid()}` })
    }
    if (typeof content !== 'string' || content === '') {
      return send(res, 200, { errcode: 44002, errmsg: `empty post data, ${rid()}` })
    }
    if ([...content].length > 2500)
      return send(res, 200, { errcode: 47001, errmsg: `content too long, ${rid()}` })
    if (knobs.checkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.checkDelayMs))
    checked.push({ content, openid })
    const risky = knobs.riskyWords.some((w) => content.includes(w))
    const review = knobs.reviewWords.some((w) => content.includes(w))
    const suggest = risky ? 'risky' : review ? 'review' : 'pass'
    const label = risky ? 20006 : 100
    send(res, 200, {
      errcode: 0,
      errmsg: 'ok',
      trace_id: rid(),
      result: { suggest, label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: risky ? 90 : 0 }],
    })
  }

  /** What WeChat does after answering media_check_async: fetch the media over HTTP, then push a signed verdict. */
  const checkMedia = async (rec: MediaCheckRecord): Promise<void> => {
    try {
      const media = await fetch(rec.mediaUrl, { signal: AbortSignal.timeout(5000) })
      rec.fetchStatus = media.status
      const bytes = Buffer.from(await media.arrayBuffer())
      if (media.ok) {
        rec.fetched = bytes
        rec.fetchedType = media.headers.get('content-type') ?? ''
      }
    } catch {
      rec.fetchStatus = 0
    }
    if (rec.fetched === undefined || knobs.mediaVerdict === 'never') return
    if (knobs.mediaVerdict === 'late') await new Promise((resolve) => setTimeout(resolve, knobs.mediaLateMs))
    await knobs.mediaGate?.()
    const suggest = knobs.mediaVerdict === 'risky' ? 'risky' : 'pass'
    const aes = knobs.pushAesKey ? { key: knobs.pushAesKey, appid } : undefined
    rec.pushStatus = await pushEvent(
      knobs.pushUrl,
      knobs.pushToken,
      {
        ToUserName: 'gh_emulator',
        FromUserName: 'o-emulator',
        CreateTime: Math.floor(Date.now() / 1000),
        MsgType: 'event',
        Event: 'wxa_media_check',
        appid,
        trace_id: rec.traceId,
        version: 2,
        detail: [
          {
            strategy: 'content_model',
            errcode: 0,
            suggest,
            label: suggest === 'risky' ? 20002 : 100,
            prob: 90,
          },
        ],
        errcode: 0,
        errmsg: 'ok',
        result: { suggest, label: suggest === 'risky' ? 20002 : 100 },
      },
      aes,
    )
  }

  const mediaCheckAsync = async (url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.mediaCheckAsync += 1
    if (!opts.tokenless && url.searchParams.get('access_token') !== token) {
      counters.invalidToken += 1
      return send(res, 200, { errcode: 40001, errmsg: `invalid credential, ${rid()}` })
    }
    const body = await readJson(req)
    if (!body) return send(res, 200, { errcode: 47001, errmsg: `data format error, ${rid()}` })
    const { media_url, media_type, version, scene, openid } = body
    if (version !== 2 || typeof openid !== 'string' || openid === '') {
      return send(res, 200, { errcode: 40003, errmsg: `invalid openid, ${rid()}` })
    }
    if (media_type !== 1 && media_type !== 2)
      return send(res, 200, { errcode: 40004, errmsg: 'invalid media type' })
    if (scene !== 1 && scene !== 2 && scene !== 3 && scene !== 4) {
      return send(res, 200, { errcode: 40129, errmsg: `invalid scene, ${rid()}` })
    }
    if (typeof media_url !== 'string' || !/^https?:\/\//.test(media_url)) {
      return send(res, 200, { errcode: 41005, errmsg: `media data missing, ${rid()}` })
    }
    const traceId = `${Date.now().toString(16)}-${Math.random().toString(16).slice(2, 10)}`
    let finish = (): void => {}
    const rec: MediaCheckRecord = {
      traceId,
      mediaUrl: media_url,
      mediaType: media_type,
      openid,
      done: new Promise<void>((resolve) => {
        finish = resolve
      }),
    }
    mediaChecks.push(rec)
    send(res, 200, { errcode: 0, errmsg: 'ok', trace_id: traceId })
    void checkMedia(rec).finally(finish)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (knobs.down) return send(res, 503, { errmsg: 'service unavailable' })
    if (knobs.busy) return send(res, 200, { errcode: -1, errmsg: 'system error' })
    if (req.method === 'GET' && url.pathname === '/sns/jscode2session') return jscode2session(url, res)
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') return void stableToken(req, res)
    if (req.method === 'POST' && url.pathname === '/wxa/msg_sec_check') return void msgSecCheck(url, req, res)
    if (req.method === 'POST' && url.pathname === '/wxa/media_check_async')
      return void mediaCheckAsync(url, req, res)
    if (url.pathname === '/wxa/msg_sec_check')
      return send(res, 200, { errcode: 43302, errmsg: 'require POST' })
    send(res, 404, { errcode: 404, errmsg: 'not found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    appid,
    secret,
    knobs,
    counters,
    checked,
    mediaChecks,
    issueCode(openid) {
      codeSerial += 1
      const code = `code-${codeSerial}-${Math.random().toString(36).slice(2, 10)}`
      codes.set(code, openid)
      return code
    },
    expireToken() {
      token = `${token}-revoked`
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
