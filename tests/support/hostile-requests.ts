/**
 * Malformed HTTP requests for a relay, generated from a seeded PRNG so a failing one can be
 * replayed: random JSON shapes, wrong types, huge numbers, invalid UTF-8, truncated bodies, odd
 * methods, paths and headers. Each is the raw bytes a client would write.
 */

/** One generated request and what was done to it (for failure messages). */
export interface HostileRequest {
  what: string
  bytes: Buffer
  /** The body is shorter than its Content-Length: only the relay's request timeout ends it. */
  truncated: boolean
}

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

const METHODS = [
  'POST',
  'POST',
  'POST',
  'GET',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'FOO',
  'post',
]
const PATHS = [
  '/v1/chat/completions',
  '/v1/chat/completions',
  '/v1/chat/completions',
  '/auth/wx-login',
  '/v1/models',
  '/healthz',
  '/v1/chat/completions?stream=true&x=%zz',
  '//v1//chat//completions',
  '/v1/chat/completions/../models',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/v1/chat/completions#frag',
  '/v1/%E4%BD%A0%E5%A5%BD',
  '/v1/\u00ff',
  '*',
  'http://evil.example/v1/chat/completions',
]
const TYPES = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/json; charset=gbk',
  '',
]

/** A JSON value of random shape, at most `depth` deep. */
function jsonValue(random: Random, depth: number): unknown {
  const kind = random()
  if (depth <= 0 || kind < 0.35) {
    return pick(random, [
      null,
      true,
      0,
      -0,
      '__HUGE__',
      1e308,
      -1e308,
      2 ** 53 + 1,
      Number.MIN_VALUE,
      '',
      'hi',
      '你好',
      '😀'.repeat(50),
      '\u0000\u0001',
      'x'.repeat(2000),
      '[DONE]',
    ])
  }
  if (kind < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => jsonValue(random, depth - 1))
  const keys = [
    'model',
    'messages',
    'stream',
    'role',
    'content',
    'max_tokens',
    'n',
    '__proto__',
    'constructor',
    'tools',
    'code',
    'x',
  ]
  const out: Record<string, unknown> = {}
  for (let i = Math.floor(random() * 5); i > 0; i--) out[pick(random, keys)] = jsonValue(random, depth - 1)
  return out
}

/** A chat body that is nearly right: one field of the right name with a wrong or extreme value. */
function nearlyChat(random: Random): unknown {
  const body: Record<string, unknown> = {
    model: pick(random, ['m', 'demo', '', 42, null, ['m'], 'x'.repeat(500)]),
    messages: pick(random, [
      [{ role: 'user', content: 'hi' }],
      [{ role: 'user', content: jsonValue(random, 2) }],
      [{ role: pick(random, ['user', 'wizard', 5, null]), content: 'hi' }],
      [],
      'hi',
      [null],
      [{ role: 'user', content: [{ type: 'text', text: 5 }] }],
      [{ role: 'assistant', content: null, tool_calls: [{}] }],
    ]),
    stream: pick(random, [true, false, 'yes', 1, null]),
  }
  const field = pick(random, [
    'max_tokens',
    'temperature',
    'top_p',
    'n',
    'stop',
    'seed',
    'stream_options',
    'tools',
    'user',
  ])
  body[field] = pick(random, [
    '__HUGE__',
    '__BIG__',
    -1,
    0,
    1.5,
    '1',
    null,
    [],
    {},
    2 ** 64,
    'x'.repeat(300),
    true,
  ])
  return body
}

/** Numbers JSON can spell but a double cannot hold (`1e309` parses to Infinity). */
function withHugeNumbers(json: string): string {
  return json.replaceAll('"__HUGE__"', '1e309').replaceAll('"__BIG__"', '123456789012345678901234567890')
}

/** Body bytes: JSON of random shape, nearly a chat body, or bytes that are not JSON or not UTF-8. */
function bodyBytes(random: Random): Buffer {
  const kind = random()
  if (kind < 0.3) return Buffer.from(withHugeNumbers(JSON.stringify(jsonValue(random, 5)) ?? 'null'))
  if (kind < 0.6) return Buffer.from(withHugeNumbers(JSON.stringify(nearlyChat(random))))
  if (kind < 0.7) return Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]) // {"a":"<invalid>"}
  if (kind < 0.8) return Buffer.from(JSON.stringify(nearlyChat(random)).slice(0, Math.floor(random() * 40)))
  if (kind < 0.85) return Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`)
  if (kind < 0.9) return Buffer.from('\ufeff{"messages":[{"role":"user","content":"hi"}]}')
  return Buffer.from(pick(random, ['', ' ', 'null', '[]', '"str"', '{"messages":', 'NaN', '{"a":1,"a":2}']))
}

/** Extra header lines: odd authorization, origins, forwarded addresses, duplicates. */
function headerLines(random: Random, token: string): string[] {
  const lines: string[] = []
  const auth = random()
  if (auth < 0.6) lines.push(`Authorization: Bearer ${token}`)
  else if (auth < 0.7)
    lines.push(
      `Authorization: ${pick(random, ['Bearer', 'Basic dXNlcjpwYXNz', 'Bearer  ', `Bearer ${'x'.repeat(4000)}`, 'Bearer wxs1.a.b'])}`,
    )
  if (random() < 0.2)
    lines.push(`Origin: ${pick(random, ['https://evil.example', 'null', 'http://127.0.0.1:5173'])}`)
  if (random() < 0.2)
    lines.push(`X-Forwarded-For: ${pick(random, ['1.2.3.4', 'garbage', '::1, 10.0.0.1', ''])}`)
  if (random() < 0.1) lines.push('x-wx-openid: o_victim')
  if (random() < 0.1) lines.push(`X-Junk: ${'a'.repeat(Math.floor(random() * 9000))}`)
  if (random() < 0.05) lines.push('Expect: 100-continue')
  if (random() < 0.05) lines.push('Connection: Upgrade', 'Upgrade: websocket')
  return lines
}

/** The `index`-th request of a run (each on a fresh connection, `Connection: close`). */
export function hostileRequest(random: Random, index: number, token: string): HostileRequest {
  const method = pick(random, METHODS)
  const path = pick(random, PATHS)
  const version = random() < 0.9 ? 'HTTP/1.1' : pick(random, ['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x'])
  const type = pick(random, TYPES)
  const body = bodyBytes(random)
  const framing = random()
  const truncated = framing < 0.05 && body.length > 2
  const lines = [
    `${method} ${path} ${version}`,
    'Host: relay',
    'Connection: close',
    ...headerLines(random, token),
  ]
  if (type !== '') lines.push(`Content-Type: ${type}`)
  let payload = body
  if (framing < 0.05 && body.length > 2) {
    lines.push(`Content-Length: ${body.length + 100}`)
  } else if (framing < 0.15) {
    lines.push('Transfer-Encoding: chunked')
    const bad = random() < 0.3
    payload = Buffer.concat([
      Buffer.from(`${bad ? 'zz' : body.length.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ])
  } else if (framing < 0.18) {
    lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`)
  } else if (framing < 0.2) {
    lines.push(`Content-Length: -${body.length}`)
  } else {
    lines.push(`Content-Length: ${body.length}`)
  }
  const what = `#${index} ${method} ${path} ${version} type=${type || 'none'} body=${JSON.stringify(body.subarray(0, 60).toString('latin1'))}${truncated ? ' (truncated)' : ''}`
  return {
    what,
    bytes: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]),
    truncated,
  }
}
