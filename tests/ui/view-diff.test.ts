import {
  createFlushScheduler,
  diffInto,
  type Patch,
  patchSize,
  splitPatch,
} from '../../miniprogram/lib/view/index'

/** Applies a patch to a plain object the way setData does (paths like `a[1].b`). */
function applyPatch(target: Record<string, unknown>, patch: Patch): void {
  for (const [path, value] of Object.entries(patch)) {
    const keys = path.match(/[^.[\]]+/g) ?? []
    let node = target as Record<string, unknown>
    for (let i = 0; i < keys.length - 1; i++) {
      const key = keys[i]!
      node[key] ??= /^\d+$/.test(keys[i + 1]!) ? [] : {}
      node = node[key] as Record<string, unknown>
    }
    node[keys[keys.length - 1]!] = structuredClone(value)
  }
}

/** Drops the `null` tombstones diffInto leaves where an array shrank (templates skip them). */
function live(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(live)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, live(item)]))
  }
  return value
}

describe('diffInto', () => {
  test('a big array that shrank is patched in place with null tombstones, not resent', () => {
    const line = Array.from({ length: 40 }, (_, i) => ({ text: `token${i}`, kind: 'plain' }))
    const before = { lines: [line, line, line, []] }
    const after = { lines: [line, line, line] }
    const patch: Patch = {}
    diffInto(before, after, 'b', patch)
    expect(patch).toEqual({ 'b.lines[3]': null })
  })

  test('a growing code block sends only its changed line', () => {
    const before = { type: 'code', lines: [[{ text: 'a', kind: 'plain' }], [{ text: 'b', kind: 'plain' }]] }
    const after = {
      type: 'code',
      lines: [[{ text: 'a', kind: 'plain' }], [{ text: 'bc', kind: 'plain' }], []],
    }
    const patch: Patch = {}
    diffInto(before, after, 'm[0].blocks[2]', patch)
    expect(patch).toEqual({ 'm[0].blocks[2].lines[1][0].text': 'bc', 'm[0].blocks[2].lines[2]': [] })
  })

  test('shrinking arrays and changed keys are replaced whole; applying the patch reproduces the target', () => {
    const before = { list: [1, 2, 3], obj: { a: 1 }, same: 'x' }
    const after = { list: [1], obj: { b: 2 }, same: 'x' }
    const patch: Patch = {}
    diffInto(before, after, 'root', patch)
    expect(patch).toEqual({ 'root.list': [1], 'root.obj': { b: 2 } })
    const data: Record<string, unknown> = { root: structuredClone(before) }
    applyPatch(data, patch)
    expect(data.root).toEqual(after)
  })

  test('random edits: applying the diff always yields the new value', () => {
    let seed = 7
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const randomValue = (depth: number): unknown => {
      const r = rand()
      if (depth > 2 || r < 0.3) return Math.floor(rand() * 3)
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth + 1))
      const keys = ['a', 'b', 'c'].filter(() => rand() < 0.6)
      return Object.fromEntries(keys.map((k) => [k, randomValue(depth + 1)]))
    }
    for (let i = 0; i < 300; i++) {
      const before = randomValue(0)
      const after = randomValue(0)
      const patch: Patch = {}
      diffInto(before, after, 'v', patch)
      const data: Record<string, unknown> = { v: structuredClone(before) }
      applyPatch(data, patch)
      expect(live(data.v)).toEqual(after)
    }
  })
})

describe('createFlushScheduler', () => {
  function fakeClock() {
    let now = 0
    const timers: { at: number; fn: () => void; id: number }[] = []
    let next = 1
    return {
      clock: {
        now: () => now,
        setTimer: (fn: () => void, ms: number) => {
          timers.push({ at: now + ms, fn, id: next })
          return next++
        },
        clearTimer: (id: unknown) => {
          const i = timers.findIndex((t) => t.id === id)
          if (i >= 0) timers.splice(i, 1)
        },
      },
      advance(ms: number) {
        now += ms
        for (const t of timers.filter((t) => t.at <= now)) {
          timers.splice(timers.indexOf(t), 1)
          t.fn()
        }
      },
    }
  }

  test('first request flushes at once, a burst merges into one flush per 50 ms', () => {
    const fake = fakeClock()
    let flushes = 0
    const s = createFlushScheduler(() => flushes++, fake.clock)
    s.request()
    expect(flushes).toBe(1)
    for (let i = 0; i < 10; i++) {
      fake.advance(4)
      s.request()
    }
    expect(flushes).toBe(1)
    fake.advance(10)
    expect(flushes).toBe(2)
  })

  test('hidden: nothing flushes until show', () => {
    const fake = fakeClock()
    let flushes = 0
    const s = createFlushScheduler(() => flushes++, fake.clock)
    s.hide()
    s.request()
    s.flushNow()
    fake.advance(500)
    expect(flushes).toBe(0)
    s.show()
    expect(flushes).toBe(1)
    s.show()
    expect(flushes).toBe(1)
  })
})

/** setData's path rules: `a.b[2].c` walks (and creates) objects and arrays, then assigns. */
function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.match(/[^.[\]]+/g) ?? []
  let target = data as Record<string, unknown>
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      target[part] = JSON.parse(JSON.stringify(value))
      return
    }
    target[part] ??= /^\d+$/.test(parts[i + 1] ?? '') ? [] : {}
    target = target[part] as Record<string, unknown>
  })
}

describe('splitPatch', () => {
  test('a burst is cut into pieces under the limit that together make the patch', () => {
    const patch: Record<string, unknown> = {}
    for (let i = 0; i < 40; i++)
      patch[`messages[1].blocks[3].lines[${i}]`] = [{ text: 'x'.repeat(200), kind: 'plain' }]
    patch.streaming = false
    const pieces = splitPatch(patch, 3500)
    expect(pieces.length).toBeGreaterThan(1)
    for (const piece of pieces) expect(patchSize(piece)).toBeLessThanOrEqual(3500)
    expect(Object.assign({}, ...pieces)).toEqual(patch)
    expect(pieces.flatMap((piece) => Object.keys(piece))).toEqual(Object.keys(patch))
  })

  test('small patches stay whole; one oversized string travels alone; empty gives nothing', () => {
    expect(splitPatch({ a: 1, b: 'two' })).toEqual([{ a: 1, b: 'two' }])
    const big = 'y'.repeat(5000)
    expect(splitPatch({ a: 1, big, c: 3 }, 3500)).toEqual([{ a: 1 }, { big }, { c: 3 }])
    expect(splitPatch({})).toEqual([])
  })

  test('a whole new block too big for one setData goes as its container, then its lines by path', () => {
    const lines = Array.from({ length: 60 }, (_, i) => [
      { text: `const line${i} = "${'值'.repeat(30)}"`, kind: 'plain' },
    ])
    const block = { type: 'code', lang: 'ts', lines }
    const patch = { 'messages[1].blocks[4]': block, streaming: true }
    const pieces = splitPatch(patch, 3500)
    expect(pieces.length).toBeGreaterThan(1)
    for (const piece of pieces) expect(patchSize(piece)).toBeLessThanOrEqual(3500)
    expect(pieces[0]).toMatchObject({ 'messages[1].blocks[4]': { type: 'code', lang: 'ts', lines: [] } })
    // Applied one after another with WeChat's path rules, the pieces build exactly the patch's data.
    const data: Record<string, unknown> = { messages: [{}, { blocks: [0, 1, 2, 3] }] }
    const expected: Record<string, unknown> = {
      messages: [{}, { blocks: [0, 1, 2, 3, block] }],
      streaming: true,
    }
    for (const piece of pieces) for (const [path, value] of Object.entries(piece)) setPath(data, path, value)
    expect(data).toEqual(expected)
  })
})
