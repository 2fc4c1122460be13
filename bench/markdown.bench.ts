/**
 * Markdown work while streaming answers of 8, 32 and 128 KB in ~4-char tokens:
 * the incremental renderer against one parse of the final text (target: at
 * most 3×, i.e. linear) and against re-parsing the whole text on every update
 * (the naive baseline, measured in the same run; sampled on long answers
 * because it is quadratic, and scaled by the sampling stride).
 */
import { createIncrementalMarkdown, markdownWork, parseMarkdown } from '../miniprogram/lib/markdown'
import { makeAnswer, tokenize } from '../tests/markdown/corpus'

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
  markdownWork.chars = 0
  let t0 = performance.now()
  parseMarkdown(text)
  const oneParseMs = performance.now() - t0
  const oneParse = markdownWork.chars

  markdownWork.chars = 0
  t0 = performance.now()
  const inc = createIncrementalMarkdown()
  let maxUpdate = 0
  for (const p of prefixes) {
    const before = markdownWork.chars
    inc.update(text.slice(0, p))
    maxUpdate = Math.max(maxUpdate, markdownWork.chars - before)
  }
  const incrementalMs = performance.now() - t0
  const incremental = markdownWork.chars

  markdownWork.chars = 0
  t0 = performance.now()
  for (let i = 0; i < prefixes.length; i += stride) parseMarkdown(text.slice(0, prefixes[i]))
  const naiveMs = (performance.now() - t0) * stride
  const naive = markdownWork.chars * stride
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
      `naive ${r.naive} (${(r.naive / r.oneParse).toFixed(0)}×, ~${r.naiveMs.toFixed(0)} ms); ` +
      `naive/incremental ${(r.naive / r.incremental).toFixed(0)}×; most work in one update ${r.maxUpdate} chars`,
  )
}
const worst = Math.max(...rows.map((r) => r.incremental / r.oneParse))
console.log(
  JSON.stringify({
    sizesKb: rows.map((r) => r.kb),
    workVsOneParse: rows.map((r) => Number((r.incremental / r.oneParse).toFixed(3))),
    maxWorkPerUpdate: rows.map((r) => r.maxUpdate),
    naiveVsIncremental: rows.map((r) => Number((r.naive / r.incremental).toFixed(1))),
    timeMsOneParse: rows.map((r) => Number(r.oneParseMs.toFixed(1))),
    timeMsIncremental: rows.map((r) => Math.round(r.incrementalMs)),
    timeMsNaive: rows.map((r) => Math.round(r.naiveMs)),
    target: 'incremental work <= 3x one parse of the final text',
    targetMet: worst <= 3,
  }),
)
