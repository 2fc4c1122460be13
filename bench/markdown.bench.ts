/**
 * Markdown work while streaming answers of 8, 32 and 128 KB in ~4-char tokens:
 * the incremental renderer against one parse of the final text (target: at
 * most 3×, i.e. linear) and against re-parsing the whole text on every update
 * (the naive baseline, measured in the same run; sampled on long answers
 * because it is quadratic, and scaled by the sampling stride). Measured from
 * outside the parser: wall time, and the characters read through the string
 * and regex primitives (tests/markdown/touches.ts).
 */
import { createIncrementalMarkdown, parseMarkdown } from '../miniprogram/lib/markdown/index'
import { makeAnswer, tokenize } from '../tests/markdown/corpus'
import { touches } from '../tests/markdown/touches'

interface Row {
  kb: number
  updates: number
  oneParse: number
  incremental: number
  naive: number
  incrementalMs: number
  naiveMs: number
  oneParseMs: number
  /** The most chars one update scanned: bounded by the longest construct, not the answer. */
  maxUpdate: number
}

function measure(kb: number, stride: number): Row {
  const text = makeAnswer(kb * 1024, kb)
  const tokens = tokenize(text, kb)
  const prefixes: number[] = []
  let end = 0
  for (const t of tokens) {
    end += t.length
    prefixes.push(end)
  }
  const texts = prefixes.map((p) => text.slice(0, p))
  // Times first, without the counting wrappers; then the characters read, counted from outside.
  let t0 = performance.now()
  parseMarkdown(text)
  const oneParseMs = performance.now() - t0
  t0 = performance.now()
  let inc = createIncrementalMarkdown()
  for (const t of texts) inc.update(t)
  const incrementalMs = performance.now() - t0
  t0 = performance.now()
  for (let i = 0; i < texts.length; i += stride) parseMarkdown(texts[i] as string)
  const naiveMs = (performance.now() - t0) * stride

  const oneParse = touches(() => parseMarkdown(text))
  inc = createIncrementalMarkdown()
  let maxUpdate = 0
  let incremental = 0
  for (const t of texts) {
    const read = touches(() => inc.update(t))
    incremental += read
    maxUpdate = Math.max(maxUpdate, read)
  }
  // The naive baseline's characters: one parse per update, each as much as a parse of that prefix.
  const naive = Math.round((oneParse / text.length) * texts.reduce((sum, t) => sum + t.length, 0))
  return {
    kb,
    updates: prefixes.length,
    oneParse,
    incremental,
    naive,
    incrementalMs,
    naiveMs,
    oneParseMs,
    maxUpdate,
  }
}

// Warm up the JIT so the first size's times are comparable with the others.
measure(4, 8)
const rows = [measure(8, 1), measure(32, 4), measure(128, 16)]
for (const r of rows) {
  console.log(
    `${r.kb} KB, ${r.updates} updates: one parse ${r.oneParse} chars (${r.oneParseMs.toFixed(1)} ms), ` +
      `incremental ${r.incremental} (${(r.incremental / r.oneParse).toFixed(2)}×, ${r.incrementalMs.toFixed(0)} ms), ` +
      `naive ~${r.naive} (${(r.naive / r.oneParse).toFixed(0)}×, ~${r.naiveMs.toFixed(0)} ms); ` +
      `naive/incremental time ${(r.naiveMs / r.incrementalMs).toFixed(0)}×; most read in one update ${r.maxUpdate} chars`,
  )
}
/** As tests/markdown/work.test.ts: a few steps per update whatever the text, on top of 3× one parse. */
const PER_UPDATE = 100
const met = rows.every((r) => r.incremental <= 3 * r.oneParse + PER_UPDATE * r.updates)
console.log(
  JSON.stringify({
    sizesKb: rows.map((r) => r.kb),
    workVsOneParse: rows.map((r) => Number((r.incremental / r.oneParse).toFixed(3))),
    maxWorkPerUpdate: rows.map((r) => r.maxUpdate),
    naiveVsIncremental: rows.map((r) => Number((r.naiveMs / r.incrementalMs).toFixed(1))),
    timeMsOneParse: rows.map((r) => Number(r.oneParseMs.toFixed(1))),
    timeMsIncremental: rows.map((r) => Math.round(r.incrementalMs)),
    timeMsNaive: rows.map((r) => Math.round(r.naiveMs)),
    timeVsOneParse: rows.map((r) => Number((r.incrementalMs / r.oneParseMs).toFixed(1))),
    target: 'incremental work <= 3x one parse of the final text + 100 chars per update (linear)',
    targetMet: met,
  }),
)
