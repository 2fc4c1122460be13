import fc from 'fast-check'
import { createUtf8Decoder } from '../../miniprogram/lib/stream'
import { splitAt, splitEvery, utf8 } from './helpers'

/** Decodes the chunks in order, then flushes. */
function decodeChunks(chunks: readonly Uint8Array[]): string {
  const decoder = createUtf8Decoder()
  let text = ''
  for (const chunk of chunks) text += decoder.decode(chunk)
  return text + decoder.flush()
}

/** Node's own streaming decoder: the reference the hand-written one must match. */
function reference(chunks: readonly Uint8Array[]): string {
  const decoder = new TextDecoder()
  let text = ''
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}

const bytes = (...values: number[]) => new Uint8Array(values)
const R = '\uFFFD'

describe('createUtf8Decoder', () => {
  const sample = 'a é © 中文 ！😊 🇨🇳 👨‍👩‍👧 𠀀 end'

  it('decodes a split at every byte position to the same text', () => {
    const encoded = utf8(sample)
    for (let cut = 0; cut <= encoded.length; cut++) expect(decodeChunks(splitAt(encoded, [cut]))).toBe(sample)
  })

  it('decodes one byte at a time, and in every pair of cuts', () => {
    const encoded = utf8(sample)
    expect(decodeChunks(splitEvery(encoded, 1))).toBe(sample)
    for (let a = 0; a <= encoded.length; a++) {
      for (let b = a; b <= encoded.length; b += 3) expect(decodeChunks(splitAt(encoded, [a, b]))).toBe(sample)
    }
  })

  it('keeps a 4-byte emoji whole whichever of its bytes the chunk ends after', () => {
    const emoji = utf8('😊') // F0 9F 98 8A
    for (let cut = 1; cut < 4; cut++) {
      const decoder = createUtf8Decoder()
      expect(decoder.decode(emoji.subarray(0, cut))).toBe('')
      expect(decoder.decode(emoji.subarray(cut))).toBe('😊')
    }
  })

  it.each([
    ['a lone continuation byte', bytes(0x61, 0x80, 0x62), `a${R}b`],
    ['bytes that never start a character', bytes(0xff, 0xfe, 0x61), `${R}${R}a`],
    ['an overlong 2-byte "/"', bytes(0xc0, 0xaf, 0x61), `${R}${R}a`],
    ['an overlong 3-byte "/"', bytes(0xe0, 0x80, 0xaf, 0x61), `${R}${R}${R}a`],
    ['an overlong 4-byte encoding', bytes(0xf0, 0x80, 0x80, 0xaf), `${R}${R}${R}${R}`],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80, 0x61), `${R}${R}${R}a`],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), `${R}${R}${R}${R}`],
    ['a truncated emoji followed by text', bytes(0xf0, 0x9f, 0x98, 0x61, 0xe4, 0xb8, 0xad), `${R}a中`],
    ['a truncated character at the end', bytes(0x61, 0xe4, 0xb8), `a${R}`],
  ])('replaces %s with U+FFFD and carries on', (_name, input, expected) => {
    expect(decodeChunks([input])).toBe(expected)
    expect(decodeChunks(splitEvery(input, 1))).toBe(expected)
    expect(reference([input])).toBe(expected)
  })

  it('strips a BOM only at the very start, even when the BOM itself is split', () => {
    const body = bytes(0xef, 0xbb, 0xbf, 0x61, 0xef, 0xbb, 0xbf, 0x62)
    expect(decodeChunks([body])).toBe('a\uFEFFb')
    expect(decodeChunks(splitEvery(body, 1))).toBe('a\uFEFFb')
    expect(decodeChunks([bytes(), bytes(0xef), bytes(0xbb, 0xbf, 0x61)])).toBe('a')
    expect(decodeChunks([bytes(0x61, 0xef, 0xbb, 0xbf)])).toBe('a\uFEFF')
  })

  it('decodes long chunks (past its conversion slice size) intact', () => {
    const text = '流式回答😊'.repeat(20_000)
    expect(decodeChunks([utf8(text)])).toBe(text)
    expect(decodeChunks(splitEvery(utf8(text), 65_537))).toBe(text)
  })

  it('accepts ArrayBuffer-backed views at an offset without reading outside them', () => {
    const buffer = utf8('xx中文yy')
    const view = buffer.subarray(2, 8)
    expect(decodeChunks([view])).toBe('中文')
  })

  it('matches TextDecoder on arbitrary bytes in arbitrary chunks', () => {
    // Bias towards bytes that matter: ASCII, continuation, lead bytes, and invalid ones.
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.integer({ min: 0xc0, max: 0xff }),
      fc.constantFrom(0xef, 0xbb, 0xbf, 0xe0, 0xed, 0xf0, 0xf4),
    )
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 64 }), fc.array(fc.nat(64)), (values, rawCuts) => {
        const input = new Uint8Array(values)
        const cuts = [...new Set(rawCuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b)
        const chunks = splitAt(input, cuts)
        expect(decodeChunks(chunks)).toBe(reference(chunks))
      }),
      { numRuns: 2000 },
    )
  })

  it('matches TextDecoder on random valid text in random chunks', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        (text, size) => {
          expect(decodeChunks(splitEvery(utf8(text), size))).toBe(text.replace(/^\uFEFF/, ''))
        },
      ),
      { numRuns: 500 },
    )
  })
})
