import { ChunkedDecoder } from '../../bench/relay/chunked'
import { bodyFraming, headEnd, parseHead } from '../../bench/relay/response-head'

/** Frames `pieces` as a chunked body, with an extension and a trailer to prove they are skipped. */
function chunked(pieces: string[]): Buffer {
  const parts = pieces.map((piece) => {
    const bytes = Buffer.from(piece)
    return `${bytes.length.toString(16)};ext=1\r\n${piece}\r\n`
  })
  return Buffer.from(`${parts.join('')}0\r\nX-Trailer: yes\r\n\r\n`)
}

/** Feeds `wire` to a fresh decoder in pieces of `size` bytes; returns the data and where it stopped. */
function decode(wire: Buffer, size: number): { data: string; stop: number; done: boolean } {
  const decoder = new ChunkedDecoder()
  const out: Buffer[] = []
  let stop = -1
  for (let at = 0; at < wire.length && stop === -1; at += size) {
    const end = Math.min(wire.length, at + size)
    const next = decoder.push(wire, at, end, (from, to) => out.push(Buffer.from(wire.subarray(from, to))))
    if (decoder.done) stop = next
  }
  return { data: Buffer.concat(out).toString('utf8'), stop, done: decoder.done }
}

describe('ChunkedDecoder', () => {
  const pieces = ['data: {"content":"你好"}\n\n', 'data: 😀 emoji\n\n', '', 'data: [DONE]\n\n'].filter(
    Boolean,
  )
  const wire = chunked(pieces)

  it('decodes a body whole, in every split and one byte at a time', () => {
    for (const size of [wire.length, 1, 2, 3, 5, 7, 16]) {
      const result = decode(wire, size)
      expect(result.data).toBe(pieces.join(''))
      expect(result.done).toBe(true)
      expect(result.stop).toBe(wire.length)
    }
  })

  it('says where the body ended when more bytes follow it', () => {
    const withExtra = Buffer.concat([wire, Buffer.from('HTTP/1.1 200 OK\r\n')])
    expect(decode(withExtra, withExtra.length).stop).toBe(wire.length)
  })

  it('accepts upper-case hex sizes and bare LF line ends', () => {
    const body = 'x'.repeat(26)
    const wire = Buffer.from(`1A\n${body}\n0\n\n`)
    expect(decode(wire, 4)).toEqual({ data: body, stop: wire.length, done: true })
  })

  it.each([
    ['a size that is not hex', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['a missing size', '\r\nhello\r\n'],
    ['data longer than its size', '2\r\nhello\r\n0\r\n\r\n'],
    ['a size line that never ends', `1${' '.repeat(2000)}`],
  ])('rejects %s', (_name, text) => {
    expect(() => decode(Buffer.from(text), 3)).toThrow()
  })
})

describe('response head', () => {
  it('finds the end of the head and parses status and headers (lower-cased, repeats joined)', () => {
    const text = 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody'
    const end = headEnd(Buffer.from(text))
    expect(text.slice(end)).toBe('body')
    const head = parseHead(text.slice(0, end - 4))
    expect(head).toEqual({
      httpVersion: '1.1',
      statusCode: 429,
      headers: { 'retry-after': '3', 'x-a': '1, 2' },
    })
  })

  it('returns -1 while the head is incomplete', () => {
    expect(headEnd(Buffer.from('HTTP/1.1 200 OK\r\nA: b\r\n'))).toBe(-1)
  })

  it.each(['HTTP/2 200', 'SSH-2.0-OpenSSH', 'HTTP/1.1 20 OK', 'HTTP/1.1 200 OK\r\nno colon'])(
    'rejects %j',
    (text) => {
      expect(() => parseHead(text)).toThrow()
    },
  )

  it('knows how each body ends', () => {
    const head = (status: number, headers: Record<string, string>) => ({
      httpVersion: '1.1',
      statusCode: status,
      headers,
    })
    expect(bodyFraming(head(200, { 'transfer-encoding': 'chunked' }))).toEqual({ kind: 'chunked' })
    expect(bodyFraming(head(200, { 'transfer-encoding': 'gzip' }))).toEqual({ kind: 'close' })
    expect(bodyFraming(head(200, { 'content-length': '12' }))).toEqual({ kind: 'length', bytes: 12 })
    expect(bodyFraming(head(204, {}))).toEqual({ kind: 'length', bytes: 0 })
    expect(bodyFraming(head(200, {}))).toEqual({ kind: 'close' })
    expect(() => bodyFraming(head(200, { 'content-length': '-1' }))).toThrow()
  })
})
