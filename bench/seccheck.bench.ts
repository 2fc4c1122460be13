/**
 * Content security's price (RELAY_SECCHECK=1): added time to first text and to the last character,
 * and msg_sec_check calls per 1,000 answer characters, against the same relay with checks off,
 * measured in the same run. The relay talks to the WeChat emulator, which answers each check after
 * a realistic round trip, and to an upstream streaming a Chinese markdown answer at a slow
 * (30 chars/s, ~20 tokens/s) and a fast (120 chars/s) pace, and all at once. Streams of both
 * configurations run side by side. The input check (before the upstream is called, as before output
 * was held) is told apart from the output hold. Target: the hold adds about one check round trip.
 */
import { createRelay, loadConfig, type Relay } from '../relay/src/index'
import { createWechatHooks, loadWechatConfig } from '../relay/src/wechat'
import { makeAnswer, tokenize } from '../tests/markdown/corpus'
import { startWechatEmulator } from '../tests/support/wechat-emulator'
import { startPacedUpstream } from './seccheck/paced-upstream'

const CHECK_MS = Number(process.env.SECCHECK_BENCH_CHECK_MS ?? 150)
const ROUNDS = Number(process.env.SECCHECK_BENCH_ROUNDS ?? 3)
const ANSWER = makeAnswer(600, 5)
const TOKENS = tokenize(ANSWER, 9)

interface Timing {
  /** When the relay's request reached the upstream: the input check comes before it. */
  upstreamMs: number
  firstTextMs: number
  lastTextMs: number
  chars: number
}

let asked = 0

/** One streamed answer; times from sending the request to the upstream, the first and the last content character. */
async function ask(url: string, token: string, arrivals: Map<string, number>): Promise<Timing> {
  const question = `写一段说明（${++asked}）`
  const started = performance.now()
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      model: 'bench',
      stream: true,
      messages: [{ role: 'user', content: question }],
    }),
  })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let firstTextMs = -1
  let lastTextMs = -1
  let chars = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    const events = buffer.split('\n\n')
    buffer = events.pop() ?? ''
    for (const event of events) {
      if (!event.startsWith('data: {')) continue
      const content = JSON.parse(event.slice(6)).choices?.[0]?.delta?.content ?? ''
      if (content === '') continue
      const at = performance.now() - started
      if (firstTextMs < 0) firstTextMs = at
      lastTextMs = at
      chars += content.length
    }
  }
  if (chars !== ANSWER.length) throw new Error(`answer arrived incomplete: ${chars} of ${ANSWER.length}`)
  return { upstreamMs: (arrivals.get(question) ?? Number.NaN) - started, firstTextMs, lastTextMs, chars }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function startRelay(upstreamUrl: string, wxUrl: string, seccheck: boolean): Promise<Relay> {
  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    UPSTREAM_BASE_URL: upstreamUrl,
    RELAY_MODELS: 'bench',
    WX_API_BASE: wxUrl,
    WX_APPID: 'wx00000000emulator',
    WX_SECRET: 'emulator-app-secret-0123456789abcdef',
    RELAY_SESSION_SECRET: 'bench-session-secret-0123456789',
    RELAY_SECCHECK: seccheck ? '1' : '0',
  }
  const hooks = createWechatHooks({ ...loadWechatConfig(env)!, logSink: () => undefined })
  return createRelay(loadConfig(env), { hooks, logSink: () => undefined })
}

interface Row {
  pace: string
  /** The input check, before the upstream is called (as before output was held). */
  inputCheck: number
  offFirst: number
  onFirst: number
  offLast: number
  onLast: number
  callsPer1000: number
}

async function measure(pace: string, charsPerSecond: number): Promise<Row> {
  const wx = await startWechatEmulator()
  wx.knobs.checkDelayMs = CHECK_MS
  const upstream = await startPacedUpstream(TOKENS, charsPerSecond)
  const [off, on] = await Promise.all([
    startRelay(upstream.url, wx.url, false),
    startRelay(upstream.url, wx.url, true),
  ])
  const login = async (url: string, openid: string): Promise<string> => {
    const res = await fetch(`${url}/auth/wx-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: wx.issueCode(openid) }),
    })
    return ((await res.json()) as { token: string }).token
  }
  const tokens = await Promise.all([login(off.url, 'o-off'), login(on.url, 'o-on')])
  const runs = await Promise.all(
    Array.from({ length: ROUNDS }, () => [
      ask(off.url, tokens[0], upstream.arrivals),
      ask(on.url, tokens[1], upstream.arrivals),
    ]).flat(),
  )
  const offRuns = runs.filter((_, i) => i % 2 === 0)
  const onRuns = runs.filter((_, i) => i % 2 === 1)
  const outputCalls = wx.checked.filter((c) => !c.content.startsWith('写一段说明')).length
  const row: Row = {
    pace,
    inputCheck: median(onRuns.map((r) => r.upstreamMs)) - median(offRuns.map((r) => r.upstreamMs)),
    offFirst: median(offRuns.map((r) => r.firstTextMs)),
    onFirst: median(onRuns.map((r) => r.firstTextMs)),
    offLast: median(offRuns.map((r) => r.lastTextMs)),
    onLast: median(onRuns.map((r) => r.lastTextMs)),
    callsPer1000: (outputCalls / ROUNDS / ANSWER.length) * 1000,
  }
  await Promise.all([off.close(), on.close(), upstream.close(), wx.close()])
  return row
}

async function main(): Promise<void> {
  console.log(
    `answer ${ANSWER.length} chars in ${TOKENS.length} tokens; msg_sec_check round trip ${CHECK_MS} ms; ${ROUNDS} streams per configuration`,
  )
  const rows = [
    await measure('30 chars/s', 30),
    await measure('120 chars/s', 120),
    await measure('all at once', 0),
  ]
  for (const r of rows) {
    const added = r.onFirst - r.offFirst
    console.log(
      `${r.pace.padEnd(12)} first text ${r.offFirst.toFixed(0)} → ${r.onFirst.toFixed(0)} ms (+${added.toFixed(0)}: ` +
        `input check ${r.inputCheck.toFixed(0)}, output hold ${(added - r.inputCheck).toFixed(0)} = ` +
        `${((added - r.inputCheck) / CHECK_MS).toFixed(2)}× one check); ` +
        `last text ${r.offLast.toFixed(0)} → ${r.onLast.toFixed(0)} ms (+${(r.onLast - r.offLast).toFixed(0)}); ` +
        `${r.callsPer1000.toFixed(1)} output checks per 1,000 chars`,
    )
  }
  const hold = rows.map((r) => r.onFirst - r.offFirst - r.inputCheck)
  console.log(
    JSON.stringify({
      checkRoundTripMs: CHECK_MS,
      paces: rows.map((r) => r.pace),
      addedFirstTextMs: rows.map((r) => Math.round(r.onFirst - r.offFirst)),
      inputCheckMs: rows.map((r) => Math.round(r.inputCheck)),
      outputHoldFirstTextMs: hold.map(Math.round),
      outputHoldInChecks: hold.map((ms) => Number((ms / CHECK_MS).toFixed(2))),
      addedLastTextMs: rows.map((r) => Math.round(r.onLast - r.offLast)),
      checksPer1000Chars: rows.map((r) => Number(r.callsPer1000.toFixed(1))),
      target: 'holding output adds <= 1.5 check round trips to the first text at every pace',
      targetMet: hold.every((ms) => ms <= 1.5 * CHECK_MS),
    }),
  )
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
