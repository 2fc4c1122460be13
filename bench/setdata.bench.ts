/**
 * setData traffic while streaming a 2,000-token markdown answer (headings,
 * list, a long code block, a table) into a 50-message conversation, through
 * the chat page's real view model (lib/view: path diffs + 50 ms merge) against
 * two naive baselines measured in the same run: the whole message list on
 * every token, and the whole streaming message on every token. Pure (no wx):
 * tokens arrive on a simulated clock every 20 ms (~50 tokens/s).
 * Target: the largest single setData stays under 4 KB.
 */
import { type Conversation, createConversation, reduceConversation } from '../miniprogram/lib/chat/index'
import { parseMarkdown } from '../miniprogram/lib/markdown/index'
import {
  ChatViewModel,
  createFlushScheduler,
  messageView,
  type Patch,
  patchSize,
} from '../miniprogram/lib/view/index'

const TOKENS = 2000
const TOKEN_INTERVAL_MS = 20
const LIMIT_BYTES = 4096

/** A long, realistic answer: prose, a list, a 60-line code block and a 20-row table. */
function longAnswer(): string {
  const parts: string[] = ['## 方案概述\n\n']
  for (let i = 0; i < 6; i++) {
    parts.push(
      `这是第 ${i + 1} 段说明，**重点**在于流式渲染时只更新*最后一个*块，并且使用 \`setData\` 的路径更新。`,
    )
    parts.push('每个令牌到达时都合并到 50 毫秒的窗口里，这样低端安卓手机也不会卡顿。\n\n')
  }
  parts.push('1. 解析增量文本\n2. 计算差异\n3. 合并更新\n\n```typescript\n')
  for (let i = 0; i < 60; i++) {
    parts.push(
      `export function step${i}(input: string, count = ${i}): string[] { return input.split(',').slice(0, count) } // 第 ${i} 行\n`,
    )
  }
  parts.push('```\n\n| 名称 | 次数 | 字节 | 说明 |\n| --- | ---: | ---: | :---: |\n')
  for (let i = 0; i < 20; i++) parts.push(`| 项目${i} | ${i * 7} | ${i * 1024} | 第 ${i} 行说明 |\n`)
  parts.push('\n> 注意：表格在窄屏上横向滚动。\n\n最后总结一下：路径更新让每次传输都很小。')
  return parts.join('')
}

/** Splits text into exactly `count` tokens of roughly equal length (never inside a surrogate pair). */
function tokenize(text: string, count: number): string[] {
  const chars = Array.from(text)
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    tokens.push(
      chars
        .slice(Math.floor((i * chars.length) / count), Math.floor(((i + 1) * chars.length) / count))
        .join(''),
    )
  }
  return tokens
}

/** 50 finished messages (25 exchanges) of ordinary markdown answers. */
function history(): Conversation {
  let conv = createConversation('bench', 0)
  for (let i = 0; i < 25; i++) {
    const a = `a${i}`
    conv = reduceConversation(conv, {
      type: 'send',
      text: `问题 ${i}：怎么做？`,
      userId: `u${i}`,
      assistantId: a,
      now: i,
    })
    const content = `### 回答 ${i}\n\n这是一个**普通**回答，包含列表：\n\n- 第一点\n- 第二点\n\n\`\`\`js\nconsole.log(${i})\n\`\`\`\n`
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: a,
      update: { type: 'delta', content },
      now: i,
    })
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: a,
      update: { type: 'done', finishReason: 'stop' },
      now: i,
    })
  }
  return conv
}

interface Traffic {
  calls: number
  bytes: number
  maxBytes: number
}

function record(traffic: Traffic, patch: Patch): void {
  const size = patchSize(patch)
  traffic.calls++
  traffic.bytes += size
  traffic.maxBytes = Math.max(traffic.maxBytes, size)
}

/** A simulated clock with timers, so merge windows behave as on a device without waiting. */
function simulatedClock() {
  let now = 0
  const timers: { at: number; fn: () => void; id: number }[] = []
  let nextId = 1
  return {
    clock: {
      now: () => now,
      setTimer: (fn: () => void, ms: number) => {
        timers.push({ at: now + ms, fn, id: nextId })
        return nextId++
      },
      clearTimer: (id: unknown) => {
        const i = timers.findIndex((t) => t.id === id)
        if (i >= 0) timers.splice(i, 1)
      },
    },
    advanceTo(time: number) {
      for (;;) {
        timers.sort((x, y) => x.at - y.at)
        const due = timers[0]
        if (!due || due.at > time) break
        timers.shift()
        now = due.at
        due.fn()
      }
      now = time
    },
  }
}

/** Streams the answer; `onToken` gets the conversation after each token. */
function stream(tokens: string[], onToken: (conv: Conversation, i: number) => void): Conversation {
  let conv = reduceConversation(history(), {
    type: 'send',
    text: '请详细说明',
    userId: 'u-new',
    assistantId: 'a-new',
    now: 0,
  })
  onToken(conv, -1)
  tokens.forEach((content, i) => {
    conv = reduceConversation(conv, {
      type: 'update',
      messageId: 'a-new',
      update: { type: 'delta', content },
      now: i,
    })
    onToken(conv, i)
  })
  conv = reduceConversation(conv, {
    type: 'update',
    messageId: 'a-new',
    update: { type: 'done', finishReason: 'stop' },
    now: 0,
  })
  onToken(conv, tokens.length)
  return conv
}

/** Our path: view model + merge scheduler (what the chat page runs). */
function measureOurs(tokens: string[], merge: boolean): Traffic & { ms: number } {
  const traffic: Traffic = { calls: 0, bytes: 0, maxBytes: 0 }
  const model = new ChatViewModel()
  const sim = simulatedClock()
  const scheduler = createFlushScheduler(
    () => {
      const patch = model.flush()
      if (patch) record(traffic, patch)
    },
    sim.clock,
    merge ? 50 : 0,
  )
  const initial = history()
  model.apply(initial)
  model.flush() // The page's first render of the stored conversation: not part of streaming.
  const t0 = performance.now()
  stream(tokens, (conv, i) => {
    sim.advanceTo((i + 1) * TOKEN_INTERVAL_MS)
    model.apply(conv)
    if (i === -1 || i === tokens.length) scheduler.flushNow()
    else scheduler.request()
  })
  sim.advanceTo((tokens.length + 10) * TOKEN_INTERVAL_MS)
  return { ...traffic, ms: performance.now() - t0 }
}

/** Naive: every token re-parses the answer and sends the whole list (or the whole message). */
function measureNaive(tokens: string[], wholeList: boolean): Traffic & { ms: number } {
  const traffic: Traffic = { calls: 0, bytes: 0, maxBytes: 0 }
  const base = history()
  const baseViews = base.messages.map((m) =>
    messageView(m, m.role === 'assistant' ? parseMarkdown(m.content) : [], undefined),
  )
  const t0 = performance.now()
  stream(tokens, (conv) => {
    const index = conv.messages.length - 1
    const views = [...baseViews]
    for (let i = baseViews.length; i < conv.messages.length; i++) {
      const m = conv.messages[i]!
      views[i] = messageView(m, m.role === 'assistant' ? parseMarkdown(m.content) : [], undefined)
    }
    record(traffic, wholeList ? { messages: views } : { [`messages[${index}]`]: views[index] })
  })
  return { ...traffic, ms: performance.now() - t0 }
}

const text = longAnswer()
const tokens = tokenize(text, TOKENS)
const ours = measureOurs(tokens, true)
const perToken = measureOurs(tokens, false)
// "However long the answer": the same content four times over, in 8,000 tokens.
const longer = measureOurs(tokenize(text.repeat(4), TOKENS * 4), true)
const wholeMessage = measureNaive(tokens, false)
const wholeList = measureNaive(tokens, true)

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
console.log(
  `answer: ${text.length} chars in ${TOKENS} tokens, every ${TOKEN_INTERVAL_MS} ms, after 50 messages`,
)
for (const [name, t] of [
  ['ours (path diffs, merged 50 ms)', ours],
  ['path diffs, every token', perToken],
  ['ours, 4x longer answer (8,000 tokens)', longer],
  ['naive: whole message every token', wholeMessage],
  ['naive: whole list every token', wholeList],
] as const) {
  console.log(
    `${name}: ${t.calls} setData, ${kb(t.bytes)} total, largest ${kb(t.maxBytes)}, ${t.ms.toFixed(0)} ms CPU`,
  )
}
const ratio = (a: number, b: number) => Number((a / b).toFixed(1))
console.log(
  JSON.stringify({
    tokens: TOKENS,
    calls: ours.calls,
    bytes: ours.bytes,
    maxSetDataBytes: ours.maxBytes,
    maxSetDataBytes4xLonger: longer.maxBytes,
    callsPerSecond: Number((ours.calls / ((TOKENS * TOKEN_INTERVAL_MS) / 1000)).toFixed(1)),
    baselineWholeMessage: {
      calls: wholeMessage.calls,
      bytes: wholeMessage.bytes,
      maxBytes: wholeMessage.maxBytes,
    },
    baselineWholeList: { calls: wholeList.calls, bytes: wholeList.bytes, maxBytes: wholeList.maxBytes },
    bytesRatioVsWholeMessage: ratio(wholeMessage.bytes, ours.bytes),
    bytesRatioVsWholeList: ratio(wholeList.bytes, ours.bytes),
    callsRatio: ratio(wholeMessage.calls, ours.calls),
    cpuMs: {
      ours: Math.round(ours.ms),
      wholeMessage: Math.round(wholeMessage.ms),
      wholeList: Math.round(wholeList.ms),
    },
    target: `largest single setData < ${LIMIT_BYTES} bytes`,
    targetMet: Math.max(ours.maxBytes, perToken.maxBytes, longer.maxBytes) < LIMIT_BYTES,
  }),
)
