import type { ChatUpdate } from '../../miniprogram/lib/stream/index'
import { createUpdateGate } from '../../miniprogram/lib/stream/update-gate'

test('deltas pass, the first final passes once (after onFinal), nothing after it', () => {
  const seen: ChatUpdate[] = []
  const order: string[] = []
  const gate = createUpdateGate(
    (u) => {
      seen.push(u)
      order.push(u.type)
    },
    () => order.push('final'),
  )
  gate.emit({ type: 'delta', content: '一' })
  expect(gate.closed).toBe(false)
  gate.emit({ type: 'done', finishReason: 'stop' })
  gate.emit({ type: 'error', message: '晚到的错误' })
  gate.emit({ type: 'delta', content: '晚到' })
  expect(gate.closed).toBe(true)
  expect(seen).toEqual([
    { type: 'delta', content: '一' },
    { type: 'done', finishReason: 'stop' },
  ])
  expect(order).toEqual(['delta', 'final', 'done'])
})
