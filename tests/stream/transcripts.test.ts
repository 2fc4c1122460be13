import type { ChatUpdate } from '../../miniprogram/lib/stream'
import { loadTranscript, TRANSCRIPT_OUTCOMES, transcriptNames } from '../fixtures/transcripts'
import { decodeChat, joinedContent, joinedReasoning, splitAt, splitEvery } from './helpers'

/** Reference result of a transcript: fed as one chunk. Other chunkings must match it exactly. */
function whole(name: string): ChatUpdate[] {
  return decodeChat([loadTranscript(name)])
}

describe.each(transcriptNames())('transcript %s', (name) => {
  const bytes = loadTranscript(name)
  const expected = whole(name)

  it('ends as its recorded outcome, with exactly one final update', () => {
    const outcome = TRANSCRIPT_OUTCOMES[name]
    expect(outcome).toBeDefined()
    const finals = expected.filter((u) => u.type !== 'delta')
    expect(finals).toHaveLength(1)
    const last = expected.at(-1)
    if (outcome?.ends === 'done') {
      expect(last).toMatchObject({ type: 'done', finishReason: outcome.finishReason })
      expect(last?.type === 'done' && last.usage !== undefined).toBe(outcome.usage)
      expect(joinedReasoning(expected) !== '').toBe(outcome.reasoning)
    } else {
      expect(last).toMatchObject({ type: 'error', code: outcome?.code })
    }
    expect(joinedContent(expected)).not.toContain('\uFFFD')
    expect(joinedReasoning(expected)).not.toContain('\uFFFD')
  })

  it.each([1, 2, 3, 5, 7, 64, 1024])('gives identical updates in %i-byte chunks', (size) => {
    expect(decodeChat(splitEvery(bytes, size))).toEqual(expected)
  })

  it('gives identical updates split in two at every byte position (bounded for big transcripts)', () => {
    // Compared as JSON text: thousands of deep equality checks would dominate the run time.
    // At most 1500 cuts and ~40 MB decoded per transcript keep this test to about a second.
    const want = JSON.stringify(expected)
    const cuts = Math.min(1500, Math.floor(40e6 / bytes.length))
    const stride = Math.max(1, Math.ceil(bytes.length / cuts))
    const failures: number[] = []
    for (let cut = 0; cut <= bytes.length; cut += stride) {
      if (JSON.stringify(decodeChat(splitAt(bytes, [cut]))) !== want) failures.push(cut)
    }
    expect(failures).toEqual([])
  })
})
