import { loadTranscript } from '../fixtures/transcripts'
import { decodeChat, joinedContent, joinedReasoning } from './helpers'

function decode(name: string) {
  const updates = decodeChat([loadTranscript(name)])
  return {
    updates,
    content: joinedContent(updates),
    reasoning: joinedReasoning(updates),
    last: updates.at(-1),
  }
}

describe('what each provider transcript means', () => {
  it('DeepSeek: reasoning first, then content; CRLF and keep-alives leave no trace', () => {
    const { updates, content, reasoning, last } = decode('deepseek-reasoner')
    expect(reasoning.startsWith('嗯，用户问的是为什么天空是蓝色的🤔。')).toBe(true)
    expect(reasoning).toContain('\n\n那为什么不是紫色呢？')
    expect(content.startsWith('天空呈现蓝色，主要是因为**瑞利散射**🌍。\n\n1. ')).toBe(true)
    expect(content.endsWith('橘红色🌇。')).toBe(true)
    expect(content).not.toContain('\r')
    const firstContent = updates.findIndex((u) => u.type === 'delta' && u.content !== undefined)
    const lastReasoning =
      updates.length -
      1 -
      [...updates].reverse().findIndex((u) => u.type === 'delta' && u.reasoning !== undefined)
    expect(lastReasoning).toBeLessThan(firstContent)
    expect(last).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 16, completionTokens: 412, totalTokens: 428 },
    })
  })

  it('Azure: the filter-results chunk with no choices adds nothing', () => {
    const { updates, content, last } = decode('azure')
    expect(updates[0]).toEqual({ type: 'delta', content: '好的，' })
    expect(content).toContain('**第二天**：早起去天安门看升旗🇨🇳')
    expect(content.endsWith('祝你玩得开心😄')).toBe(true)
    expect(last).toEqual({ type: 'done', finishReason: 'stop' })
  })

  it('DashScope: reasoning, then the poem; usage from the trailing `choices: []` chunk', () => {
    const { content, reasoning, last } = decode('dashscope')
    expect(reasoning).toContain('「西风吹落叶」')
    expect(content).toContain('西风吹落叶，\n归雁过南楼。\n明月千山静，\n乡心一夜秋。')
    expect(last).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 27, completionTokens: 158, totalTokens: 185 },
    })
  })

  it('Moonshot: \\u-escaped text (surrogate pairs too) and usage inside choices[0]', () => {
    const { content, last } = decode('moonshot')
    expect(content.startsWith('你好，我是 Kimi🌙！')).toBe(true)
    expect(content.endsWith('- 待办事项✅')).toBe(true)
    expect(last).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 19, completionTokens: 61, totalTokens: 80 },
    })
  })

  it('vLLM: pings ignored, finish_reason length, usage from a `choices: null` chunk', () => {
    const { content, last } = decode('vllm')
    expect(content.startsWith('量子计算利用量子比特（qubit）')).toBe(true)
    expect(last).toEqual({
      type: 'done',
      finishReason: 'length',
      usage: { promptTokens: 24, completionTokens: 128, totalTokens: 152 },
    })
  })

  it('mid-stream error: the content so far stays, then one error, and the later [DONE] is ignored', () => {
    const { updates, content, last } = decode('midstream-error')
    expect(content).toBe(
      '好的，我来帮你写一篇关于人工智能发展的文章📖。\n\n人工智能（AI）的发展可以追溯到上世纪五十年代，',
    )
    expect(last).toEqual({ type: 'error', message: '当前模型负载过高，请稍后重试', code: 'overloaded' })
    expect(updates.filter((u) => u.type !== 'delta')).toHaveLength(1)
  })

  it('event: error frame from the relay becomes an error with its code', () => {
    const { content, last } = decode('event-error')
    expect(content).toBe('这个问题我可以从几个方面来回答🧐：首先，')
    expect(last).toEqual({
      type: 'error',
      message: '回答内容未通过安全审核，已停止生成',
      code: 'content_blocked',
    })
  })

  it('cut stream: complete events are delivered, the cut line is dropped, then interrupted', () => {
    const { content, last } = decode('cut-stream')
    expect(content.endsWith('它始建于春秋战国时期，')).toBe(true)
    expect(content).not.toContain('秦朝')
    expect(last).toMatchObject({ type: 'error', code: 'interrupted' })
  })

  it('markdown-long: a long answer with headings, tables and fenced code arrives intact', () => {
    const { content, last } = decode('markdown-long')
    expect(content.length).toBeGreaterThan(3000)
    expect(content.startsWith('# 用 TypeScript 写一个小程序流式聊天客户端 🚀\n\n')).toBe(true)
    expect(content).toContain('| 平台 | 支持分块 | 备注 |\n| --- | :---: | --- |\n')
    expect(content).toContain('```ts\nexport function decodeChunk(')
    expect(content).toContain('```python\nfrom fastapi import FastAPI, Request\n')
    expect(content.endsWith('欢迎继续提问😊🙏！')).toBe(true)
    expect(last).toMatchObject({ type: 'done', finishReason: 'stop', usage: { totalTokens: 1594 } })
  })
})
