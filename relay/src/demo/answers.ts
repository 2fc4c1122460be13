/** One canned answer of the demo model: a reasoning phase, then markdown. */
export interface DemoAnswer {
  reasoning: string
  content: string
}

const FENCE = '```'

/** The code block both languages' code answers show. */
const DEBOUNCE_CODE = `${FENCE}ts
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => fn(...args), waitMs)
  }
}
${FENCE}`

const CODE_ZH: DemoAnswer = {
  reasoning:
    '用户想要一段代码。先确认需求：防抖函数要在连续触发时只执行最后一次。' +
    '用 TypeScript 写，保留参数类型，再给出一个使用示例和注意事项。',
  content: `## 防抖函数（TypeScript）

防抖（debounce）让函数在**连续触发停止一段时间后**才执行，适合搜索框输入、窗口缩放等场景。

${DEBOUNCE_CODE}

### 使用要点

1. \`waitMs\` 一般取 200–500 毫秒，太短起不到作用。
2. 在小程序页面卸载（\`onUnload\`）时记得清理定时器。
3. 需要**立即执行第一次**时，改用节流（throttle）。

| 方案 | 触发时机 | 典型场景 |
|---|---|---|
| 防抖 | 停止触发后执行一次 | 搜索联想 |
| 节流 | 固定间隔执行 | 滚动监听 |

> 这是演示模型的固定回答。配置 \`UPSTREAM_BASE_URL\` 后即可接入真实模型。`,
}

const CODE_EN: DemoAnswer = {
  reasoning:
    'The user wants code. A debounce helper is a good, small example: keep the argument types, ' +
    'show usage, and mention when throttling is the better choice.',
  content: `## A debounce helper in TypeScript

Debouncing runs a function only **after calls have stopped** for a while — useful for search boxes and resize handlers.

${DEBOUNCE_CODE}

### Notes

- Pick \`waitMs\` between 200 and 500 ms.
- Clear the timer when the page unloads.
- If the first call must run immediately, use a *throttle* instead.

| Technique | Runs | Typical use |
|---|---|---|
| Debounce | once, after the calls stop | search suggestions |
| Throttle | at a fixed interval | scroll handlers |

> This is a canned answer from the demo model. Set \`UPSTREAM_BASE_URL\` to talk to a real model.`,
}

function generalZh(question: string): DemoAnswer {
  return {
    reasoning:
      `用户问的是「${question}」。我先梳理一下要点：给出简短结论，再分条说明，` +
      '最后用表格对比，并附一个小例子，方便在手机上阅读。',
    content: `## 关于「${question}」

你好！我是**演示模型**，运行在中继服务内部，不需要 API Key。下面用一个示例回答展示流式输出的效果。

### 要点

- 回答是**逐字流式**返回的，首字很快出现；
- 支持 *Markdown*：标题、列表、表格和代码块；
- 推理过程（reasoning）会先显示，随后是正式回答。

### 对比

| 模式 | 需要密钥 | 说明 |
|---|---|---|
| 演示模型 | 否 | 本地生成，离线可用 |
| 真实模型 | 是 | 设置 \`UPSTREAM_BASE_URL\` |

### 示例

${FENCE}bash
UPSTREAM_BASE_URL=https://api.deepseek.com/v1 UPSTREAM_API_KEY=sk-... npm run relay
${FENCE}

如需真实回答，请让管理员配置上游模型。祝使用愉快！`,
  }
}

function generalEn(question: string): DemoAnswer {
  return {
    reasoning:
      `The question is "${question}". I will give a short answer first, then the key points as a list, ` +
      'a small comparison table and an example command.',
    content: `## About "${question}"

Hi! I am the **demo model** built into the relay — no API key needed. This canned answer shows what streaming looks like.

### Key points

1. Answers stream **token by token**, so the first words appear quickly.
2. Markdown is rendered: headings, lists, tables and \`code\`.
3. The reasoning phase is shown first, then the answer.

### Comparison

| Mode | Needs a key | Notes |
|---|---|---|
| Demo model | no | generated locally, works offline |
| Real model | yes | set \`UPSTREAM_BASE_URL\` |

### Example

${FENCE}bash
UPSTREAM_BASE_URL=https://api.openai.com/v1 UPSTREAM_API_KEY=sk-... npm run relay
${FENCE}

Ask your administrator to configure an upstream for real answers.`,
  }
}

const CJK = /[\u3400-\u9fff]/
const CODE_WORDS = /代码|函数|实现|编程|写一个|code|function|typescript|javascript|python|program|implement/i

/** Picks an answer for the last user message: code or general, Chinese or English. */
export function chooseAnswer(question: string): DemoAnswer {
  const trimmed = question.trim().replace(/\s+/g, ' ')
  const short = trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed || '你好'
  const chinese = CJK.test(trimmed) || trimmed === ''
  if (CODE_WORDS.test(trimmed)) return chinese ? CODE_ZH : CODE_EN
  return chinese ? generalZh(short) : generalEn(short)
}
