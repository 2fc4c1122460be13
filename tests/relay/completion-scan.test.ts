import fc from 'fast-check'
import { type ChatUpdate, createChatDecoder } from '../../miniprogram/lib/stream'
import { createCompletionScan, mayMatter } from '../../relay/src/chat/completion-scan'
import { loadTranscript, transcriptNames } from '../fixtures/transcripts'

/** What the relay reads from a stream: the final update (done, or which error). */
function outcome(bytes: Uint8Array, cuts: number[], scan: boolean): ChatUpdate | undefined {
  let last: ChatUpdate | undefined
  const chat = createChatDecoder((u) => {
    if (u.type !== 'delta') last = u
  })
  const sink = scan ? createCompletionScan(() => chat) : chat
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    sink.push(bytes.subarray(from, cut))
    from = cut
  }
  sink.push(bytes.subarray(from))
  sink.end()
  // The usage numbers are not the scan's business (hooks that want them get the full decoder).
  if (last?.type === 'done') return { type: 'done', finishReason: last.finishReason }
  return last
}

const encode = (text: string): Uint8Array => new Uint8Array(Buffer.from(text))
const content = (text: string, finish = 'null'): string =>
  `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":${finish}}]}\n\n`

/** Small LF-only streams built from the shapes that decide the ending. */
const streams = fc
  .array(
    fc.oneof(
      fc.string().map((t) => content(t)),
      fc.constant(content('', '"stop"')),
      fc.constant(content('', '"length"')),
      fc.constant('data: [DONE]\n\n'),
      fc.constant('data: {"error":{"message":"boom","code":"x"}}\n\n'),
      fc.constant('event: error\ndata: {"message":"bad"}\n\n'),
      fc.constant(': keep-alive\n\n'),
      fc.constant('data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\n'),
      fc.constant('data: {"choices":[{"delta":{"content":"a"},\n'),
    ),
    { maxLength: 12 },
  )
  .map((parts) => encode(parts.join('')))

describe('completion scan in front of the chat decoder', () => {
  it('reports the same ending as the full decoder on every transcript, however it is cut', () => {
    for (const name of transcriptNames()) {
      const bytes = loadTranscript(name)
      fc.assert(
        fc.property(fc.array(fc.nat(bytes.length), { maxLength: 20 }), (cuts) => {
          expect(outcome(bytes, cuts, true)).toEqual(outcome(bytes, [], false))
        }),
        { numRuns: 60 },
      )
    }
  })

  it('reports the same ending as the full decoder on generated streams', () => {
    fc.assert(
      fc.property(streams, fc.array(fc.nat(400), { maxLength: 10 }), (bytes, cuts) => {
        const inRange = cuts.map((c) => Math.min(c, bytes.length))
        expect(outcome(bytes, inRange, true)).toEqual(outcome(bytes, [], false))
      }),
      { numRuns: 400 },
    )
  })

  it('skips plain content events and keeps the ones that can end or break the answer', () => {
    expect(mayMatter(Buffer.from(content('hello')))).toBe(false)
    expect(mayMatter(Buffer.from(content('hello').replace(':null', ': null')))).toBe(false)
    expect(mayMatter(Buffer.from(content('', '"stop"')))).toBe(true)
    expect(mayMatter(Buffer.from('data: [DONE]\n\n'))).toBe(true)
    expect(mayMatter(Buffer.from('event: error\ndata: {}\n\n'))).toBe(true)
    expect(mayMatter(Buffer.from('data: {"error":"x"}\n\n'))).toBe(true)
  })

  it('does not report completion for a stream cut before its end', () => {
    const bytes = encode(`${content('a')}${content('b')}`)
    expect(outcome(bytes, [7, 30], true)).toMatchObject({ type: 'error', code: 'interrupted' })
  })
})
