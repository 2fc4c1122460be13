import { type ChatUpdate, createChatDecoder, INTERRUPTED_MESSAGE } from '../../miniprogram/lib/stream'
import { decodeChat, splitEvery, utf8 } from './helpers'

/** One OpenAI-style chunk as an SSE event. */
function chunk(choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}): string {
  const body = { id: 'c1', object: 'chat.completion.chunk', choices: choice ? [choice] : [], ...extra }
  return `data: ${JSON.stringify(body)}\n\n`
}
const content = (text: string) => chunk({ index: 0, delta: { content: text }, finish_reason: null })
const finish = (reason: string) => chunk({ index: 0, delta: {}, finish_reason: reason })
const DONE = 'data: [DONE]\n\n'

/** Decodes the body whole and one byte at a time; both must agree. */
function run(body: string): ChatUpdate[] {
  const whole = decodeChat([utf8(body)])
  expect(decodeChat(splitEvery(utf8(body), 1))).toEqual(whole)
  return whole
}

describe('chat stream semantics', () => {
  it('ends with exactly one done, and nothing after it', () => {
    const updates = run(content('你好') + finish('stop') + DONE + content('多余') + DONE)
    expect(updates).toEqual([
      { type: 'delta', content: '你好' },
      { type: 'done', finishReason: 'stop' },
    ])
  })

  it('ignores pushes and a second end() after the final update', () => {
    const updates: ChatUpdate[] = []
    const decoder = createChatDecoder((u) => updates.push(u))
    decoder.push(utf8(content('一') + DONE))
    decoder.push(utf8(content('二')))
    decoder.end()
    decoder.end()
    decoder.push(utf8(content('三')))
    expect(updates).toEqual([
      { type: 'delta', content: '一' },
      { type: 'done', finishReason: null },
    ])
  })

  it('ends with exactly one error, and a later [DONE] or content is ignored', () => {
    const body = `${content('部分')}data: {"error":{"message":"上游出错","type":"server_error","code":"upstream"}}\n\n${content('后来')}${DONE}`
    expect(run(body)).toEqual([
      { type: 'delta', content: '部分' },
      { type: 'error', message: '上游出错', code: 'upstream' },
    ])
  })

  it('reports an interrupted stream after the deltas it did deliver', () => {
    const updates = run(content('长城') + content('是'))
    expect(updates).toEqual([
      { type: 'delta', content: '长城' },
      { type: 'delta', content: '是' },
      { type: 'error', message: INTERRUPTED_MESSAGE, code: 'interrupted' },
    ])
  })

  it('reports an empty body as interrupted', () => {
    expect(run('')).toEqual([{ type: 'error', message: INTERRUPTED_MESSAGE, code: 'interrupted' }])
  })

  it('treats a finish_reason without [DONE] as done at the end of the stream', () => {
    expect(run(content('好') + finish('length')).at(-1)).toEqual({ type: 'done', finishReason: 'length' })
  })

  it('survives data that is not a chat chunk', () => {
    const junk = [
      'data: {bad json\n\n',
      'data: ping\n\n',
      'data: 42\n\n',
      'data: null\n\n',
      'data: []\n\n',
      'data: {"choices":[null]}\n\n',
      'data: {"choices":"x"}\n\n',
      'data: {"choices":[{"delta":null}]}\n\n',
      'data: {"choices":[{"delta":{"content":5,"reasoning_content":{}}}]}\n\n',
      'data: {"choices":[{"delta":{"content":""}}]}\n\n',
      ': keep-alive\n\n',
      'event: ping\ndata: {}\n\n',
    ].join('')
    expect(run(junk + content('仍然正常') + DONE)).toEqual([
      { type: 'delta', content: '仍然正常' },
      { type: 'done', finishReason: null },
    ])
  })

  it('reads usage at the top level, inside choices[0], and without total_tokens', () => {
    const top = run(
      finish('stop') +
        chunk(null, { usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }) +
        DONE,
    )
    expect(top.at(-1)).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    })
    const inside = run(
      chunk({
        index: 0,
        delta: {},
        finish_reason: 'stop',
        usage: { prompt_tokens: 5, completion_tokens: 6 },
      }) + DONE,
    )
    expect(inside.at(-1)).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 6, totalTokens: 11 },
    })
    const nullUsage = run(content('a') + chunk(null, { usage: null }) + finish('stop') + DONE)
    expect(nullUsage.at(-1)).toEqual({ type: 'done', finishReason: 'stop' })
  })

  it('reads usage from a `choices: null` chunk', () => {
    const body = `${finish('stop')}data: {"choices":null,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\n${DONE}`
    expect(run(body).at(-1)).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
    })
  })

  it('emits content and reasoning from the same chunk as one delta', () => {
    const body = chunk({ index: 0, delta: { reasoning_content: '想', content: '答' } }) + DONE
    expect(run(body)[0]).toEqual({ type: 'delta', content: '答', reasoning: '想' })
    expect(run(chunk({ index: 0, delta: { reasoning: '思考' } }) + DONE)[0]).toEqual({
      type: 'delta',
      reasoning: '思考',
    })
  })

  it.each([
    [
      'a relay error frame',
      'event: error\ndata: {"error":{"message":"请求太频繁","code":"rate_limited","status":429}}\n\n',
      { type: 'error', message: '请求太频繁', code: 'rate_limited', status: 429 },
    ],
    [
      'an unwrapped error object',
      'event: error\ndata: {"message":"额度不足","code":"quota"}\n\n',
      { type: 'error', message: '额度不足', code: 'quota' },
    ],
    ['plain text', 'event: error\ndata: 服务暂时不可用\n\n', { type: 'error', message: '服务暂时不可用' }],
    ['an empty JSON object', 'event: error\ndata: {}\n\n', { type: 'error', message: '服务出错' }],
    ['an error string', 'data: {"error":"模型不存在"}\n\n', { type: 'error', message: '模型不存在' }],
    [
      'a numeric code',
      'data: {"error":{"message":"限流","code":1302}}\n\n',
      { type: 'error', message: '限流', code: '1302' },
    ],
  ])('reads %s as one error', (_name, frame, expected) => {
    expect(run(content('前') + frame + DONE)).toEqual([{ type: 'delta', content: '前' }, expected])
  })
})
