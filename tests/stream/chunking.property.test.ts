import fc from 'fast-check'
import { createChatDecoder } from '../../miniprogram/lib/stream'
import { loadTranscript, transcriptNames } from '../fixtures/transcripts'
import { decodeChat, splitAt } from './helpers'

/** Arbitrary cut positions inside a body of `length` bytes (sorted, distinct). */
function cutsOf(length: number) {
  return fc
    .array(fc.integer({ min: 0, max: length }), { maxLength: 60 })
    .map((cuts) => [...new Set(cuts)].sort((a, b) => a - b))
}

describe.each(transcriptNames())('any chunking of %s', (name) => {
  const bytes = loadTranscript(name)
  const want = JSON.stringify(decodeChat([bytes]))
  // Bounded: ~200 runs, fewer for the 300 KB markdown transcript.
  const numRuns = bytes.length > 100_000 ? 30 : 200

  it('gives the same updates as the whole body', () => {
    fc.assert(
      fc.property(cutsOf(bytes.length), (cuts) => JSON.stringify(decodeChat(splitAt(bytes, cuts))) === want),
      { numRuns },
    )
  })

  it('gives the same updates with many tiny chunks near the start and ArrayBuffer copies', () => {
    // Tiny chunks where the first event, a possible BOM and the role chunk are; ArrayBuffers as wx delivers.
    const head = Math.min(bytes.length, 600)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: head }), { maxLength: 200 }), (raw) => {
        const cuts = [...new Set(raw)].sort((a, b) => a - b)
        const updates: unknown[] = []
        const decoder = createChatDecoder((u) => updates.push(u))
        for (const chunk of splitAt(bytes, cuts)) decoder.push(chunk.slice().buffer)
        decoder.end()
        return JSON.stringify(updates) === want
      }),
      { numRuns: Math.min(numRuns, 100) },
    )
  })
})
