import fc from 'fast-check'
import { createLineDecoder } from '../../miniprogram/lib/stream/line-decoder'
import { splitAt, splitEvery, utf8 } from './helpers'

/** Runs the line decoder over the chunks; returns the lines it handed on. */
function decodeLines(chunks: readonly Uint8Array[]): string[] {
  const lines: string[] = []
  const decoder = createLineDecoder((text) => lines.push(text))
  for (const chunk of chunks) decoder.push(chunk)
  return lines
}

/** The reference: Node's TextDecoder over everything up to the last line end. */
function reference(bytes: Uint8Array): string {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] !== 10 && bytes[end - 1] !== 13) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

// Lines built like a chat stream's: a shared ASCII head and tail around a varying middle.
const HEAD = utf8('data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"')
const TAIL = utf8('"},"logprobs":null,"finish_reason":null}]}')
const middleByte = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.constantFrom(0xe4, 0xbd, 0xa0, 0xe5, 0xa5, 0xbd, 0xf0, 0x9f, 0x98, 0x8a, 0x80, 0xff, 0xc0, 0xed),
)
const lineEnd = fc.constantFrom([10], [13], [13, 10])
const line = fc.oneof(
  fc
    .tuple(fc.array(middleByte, { maxLength: 12 }), lineEnd)
    .map(([mid, end]) => concat([HEAD, new Uint8Array(mid), TAIL, new Uint8Array(end)])),
  fc
    .tuple(fc.array(middleByte, { maxLength: 12 }), lineEnd)
    .map(([mid, end]) => concat([HEAD, new Uint8Array(mid), new Uint8Array(end)])),
  lineEnd.map((end) => new Uint8Array(end)),
  fc
    .tuple(fc.array(middleByte, { maxLength: 40 }), lineEnd)
    .map(([mid, end]) => concat([new Uint8Array(mid), new Uint8Array(end)])),
  fc
    .tuple(fc.integer({ min: 1000, max: 2600 }), lineEnd)
    .map(([n, end]) => concat([HEAD, utf8('长'.repeat(n % 7) + 'x'.repeat(n)), TAIL, new Uint8Array(end)])),
)

describe('createLineDecoder', () => {
  it('hands on exactly what TextDecoder gives for the whole stream, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(line, { maxLength: 14 }),
        fc.array(middleByte, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bom, lines, unfinished, rawCuts) => {
          const bytes = concat([
            new Uint8Array(bom ? [0xef, 0xbb, 0xbf] : []),
            ...lines,
            new Uint8Array(unfinished),
          ])
          const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          expect(decodeLines(splitAt(bytes, cuts)).join('')).toBe(reference(bytes))
        },
      ),
      { numRuns: 1500 },
    )
  })

  it('hands on one complete line at a time, with its line end', () => {
    const bytes = utf8('data: 你好\r\n\r\ndata: 😊\rdata: x\n\npartial')
    expect(decodeLines([bytes])).toEqual(['data: 你好\r\n', '\r\n', 'data: 😊\r', 'data: x\n', '\n'])
    // A CR at a chunk's end goes on alone; the LF after it follows as its own piece.
    expect(decodeLines(splitAt(bytes, [13]))).toEqual([
      'data: 你好\r',
      '\n',
      '\r\n',
      'data: 😊\r',
      'data: x\n',
      '\n',
    ])
  })

  it('reuses the shared head and tail without changing a single character', () => {
    const text = [1, 2, 3]
      .map((n) => `${'data: {"choices":[{"delta":{"content":"'}${'字'.repeat(n)}😊${'"}}]}'}\n`)
      .join('')
    const bytes = utf8(text)
    expect(decodeLines([bytes]).join('')).toBe(text)
    expect(decodeLines(splitEvery(bytes, 1)).join('')).toBe(text)
    expect(decodeLines(splitEvery(bytes, 64)).join('')).toBe(text)
  })

  it('keeps a broken character in the middle as U+FFFD before a reused tail', () => {
    const head = 'data: {"choices":[{"delta":{"content":"'
    const tail = '"},"finish_reason":null}]}\n'
    const bytes = concat([utf8(`${head}好${tail}`), utf8(head), new Uint8Array([0xe5, 0xa5]), utf8(tail)])
    expect(decodeLines([bytes]).join('')).toBe(`${head}好${tail}${head}\uFFFD${tail}`)
  })

  it('strips a BOM only at the very start, even before a blank first line', () => {
    expect(decodeLines([utf8('\uFEFF\ndata: 1\n')]).join('')).toBe('\ndata: 1\n')
    expect(decodeLines([utf8('\n\uFEFFdata: 1\n')]).join('')).toBe('\n\uFEFFdata: 1\n')
  })
})
