import { createOutputGate } from '../../relay/src/chat/output-gate'
import { createEventSplitter } from '../../relay/src/chat/sse-events'
import { RelayError } from '../../relay/src/errors'
import type { OutputCheck } from '../../relay/src/hooks'
import { seededRandom } from '../support/random'

/** A check whose verdicts the test gives, one by one, in any order. */
function manualCheck(overrides: Partial<OutputCheck> = {}) {
  const calls: Array<{ text: string; pass(): void; refuse(error: unknown): void }> = []
  const check: OutputCheck = {
    maxChars: 2500,
    minChars: 10,
    holdMs: 10_000,
    check: (text) =>
      new Promise<void>((resolve, reject) => calls.push({ text, pass: resolve, refuse: reject })),
    ...overrides,
  }
  return { check, calls }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

function gateWith(check: OutputCheck) {
  const released: string[] = []
  const failures: unknown[] = []
  const gate = createOutputGate(
    check,
    (bytes) => released.push(bytes.toString()),
    (error) => failures.push(error),
  )
  const push = (text: string) => gate.push(Buffer.from(`<${text}>`), text)
  return { gate, released, failures, push }
}

describe('output gate', () => {
  it('releases nothing with text before its check passed; events without text go at once while nothing waits', async () => {
    const { check, calls } = manualCheck()
    const { gate, released } = gateWith(check)
    gate.push(Buffer.from('<role>'), '')
    expect(released).toEqual(['<role>'])
    // The first text closes the first segment at once: time to first text is one check.
    gate.push(Buffer.from('<你好>'), '你好')
    gate.push(Buffer.from('<usage-like>'), '')
    expect(calls.map((c) => c.text)).toEqual(['你好'])
    expect(released).toEqual(['<role>'])
    calls[0]!.pass()
    await tick()
    expect(released).toEqual(['<role>', '<你好>', '<usage-like>'])
  })

  it('closes later segments at a sentence end once they hold minChars, and checks them with the text before', async () => {
    const { check, calls } = manualCheck({ minChars: 10 })
    const { released, push } = gateWith(check)
    push('开头')
    push('短句。') // a sentence end, but fewer than 10 characters in the segment
    expect(calls).toHaveLength(1)
    push('这是一个更长一些的句子。')
    expect(calls).toHaveLength(2)
    // The call carries the end of the text before it, so a phrase cut at the boundary is seen whole.
    expect(calls[1]!.text).toBe('开头短句。这是一个更长一些的句子。')
    calls[1]!.pass()
    await tick()
    expect(released).toEqual([]) // the first segment has not passed: order is kept
    calls[0]!.pass()
    await tick()
    expect(released).toEqual(['<开头>', '<短句。>', '<这是一个更长一些的句子。>'])
  })

  it('closes a segment holdMs after its first character even without a sentence end', async () => {
    const { check, calls } = manualCheck({ holdMs: 30 })
    const { push } = gateWith(check)
    push('a')
    calls[0]!.pass()
    push('no sentence end here')
    expect(calls).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(calls).toHaveLength(2)
    expect(calls[1]!.text).toBe('ano sentence end here')
  })

  it('holds longer when holdScale says the budget runs low', async () => {
    let scale = 4
    const { check, calls } = manualCheck({ holdMs: 20, holdScale: () => scale })
    const { push } = gateWith(check)
    push('a')
    push('b')
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(calls).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(calls).toHaveLength(2)
    scale = 1
  })

  it('keeps two checks in flight and sends the segments that closed meanwhile together', async () => {
    const { check, calls } = manualCheck({ minChars: 2 })
    const { released, push } = gateWith(check)
    push('一。')
    push('二二。')
    push('三三。')
    push('四四。')
    expect(calls.map((c) => c.text)).toEqual(['一。', '一。二二。'])
    calls[1]!.pass()
    calls[0]!.pass()
    await tick()
    expect(calls.map((c) => c.text.endsWith('三三。四四。'))).toEqual([false, false, true])
    calls[2]!.pass()
    await tick()
    expect(released.join('')).toBe('<一。><二二。><三三。><四四。>')
  })

  it('checks a segment longer than one call in pieces of at most maxChars, context included', async () => {
    const { check, calls } = manualCheck({ maxChars: 300 })
    const { gate, push } = gateWith(check)
    push('x')
    push('好'.repeat(700))
    expect(calls.length).toBeGreaterThanOrEqual(4)
    expect(calls.every((c) => c.text.length <= 300)).toBe(true)
    for (const call of calls) call.pass()
    await expect(gate.settled()).resolves.toBeUndefined()
  })

  it('a refusal releases nothing of the refused segment or after it, and is reported once', async () => {
    const { check, calls } = manualCheck({ minChars: 1 })
    const { gate, released, failures, push } = gateWith(check)
    push('好。')
    push('坏。')
    push('后来。')
    calls[0]!.pass()
    const blocked = new RelayError(400, 'content_blocked', 'no')
    calls[1]!.refuse(blocked)
    await tick()
    calls[2]?.pass()
    await tick()
    expect(released).toEqual(['<好。>'])
    expect(failures).toEqual([blocked])
    await expect(gate.settled()).rejects.toBe(blocked)
  })

  it('settled() closes the open segment and waits for everything to leave', async () => {
    const { check, calls } = manualCheck()
    const { gate, released, push } = gateWith(check)
    push('a')
    push('tail without end')
    gate.push(Buffer.from('<done>'), '')
    const settled = gate.settled()
    expect(calls).toHaveLength(2)
    for (const call of calls) call.pass()
    await settled
    expect(released).toEqual(['<a>', '<tail without end>', '<done>'])
  })

  it('asks the producer to pause past 1 MB held and calls back once there is room', async () => {
    const { check, calls } = manualCheck()
    const { gate, push } = gateWith(check)
    push('x')
    let room = false
    let accepted = true
    for (let i = 0; i < 20 && accepted; i++) accepted = gate.push(Buffer.alloc(100_000), 'y')
    expect(accepted).toBe(false)
    gate.onRoom(() => {
      room = true
    })
    expect(room).toBe(false)
    const settled = gate.settled()
    for (const call of calls) call.pass()
    await settled
    expect(room).toBe(true)
  })
})

describe('SSE event splitter', () => {
  const stream =
    'data: {"a":1}\n\n: keep-alive\n\ndata: b\r\n\r\nevent: x\rdata: c\r\rdata: d\n\r\nid: 7\ndata: e\r\n\n'

  it('cuts whole events, byte for byte, however the bytes are chunked (seeded)', () => {
    const random = seededRandom(13)
    const expected = [
      'data: {"a":1}\n\n',
      ': keep-alive\n\n',
      'data: b\r\n\r\n',
      'event: x\rdata: c\r\r',
      'data: d\n\r\n',
      'id: 7\ndata: e\r\n\n',
    ]
    const bytes = Buffer.from(`${stream}data: unfinished`)
    for (let run = 0; run < 200; run++) {
      const splitter = createEventSplitter()
      const events: string[] = []
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 9)
        events.push(...splitter.push(bytes.subarray(at, at + size)).map(String))
        at += size
      }
      events.push(...splitter.end().map(String))
      expect(events).toEqual(expected)
    }
  })

  it('a final CR that ends the last event counts at the end of the stream', () => {
    const splitter = createEventSplitter()
    expect(splitter.push(Buffer.from('data: x\r\r')).map(String)).toEqual([])
    expect(splitter.end().map(String)).toEqual(['data: x\r\r'])
  })
})
