import { workerCount } from '../../relay/src/workers'
import { spawnRelay } from '../support/relay-process'
import { chat, dataFrames, request, userMessage, waitFor } from './helpers'

jest.setTimeout(60_000)

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('RELAY_WORKERS', () => {
  it('defaults to one process and refuses values outside 1..64', () => {
    expect(workerCount({})).toBe(1)
    expect(workerCount({ RELAY_WORKERS: ' 3 ' })).toBe(3)
    for (const bad of ['0', '65', '-1', '2.5', 'two']) {
      expect(() => workerCount({ RELAY_WORKERS: bad })).toThrow(/RELAY_WORKERS/)
    }
  })

  it('serves one port from two worker processes and stops them all on SIGTERM', async () => {
    const relay = await spawnRelay({ RELAY_WORKERS: '2', RELAY_DEMO_DELAY_MS: '0' })
    try {
      await waitFor(() => (relay.output().match(/\(worker \d+\)/g) ?? []).length === 2, 20_000)
      const pids = [...relay.output().matchAll(/\(worker (\d+)\)/g)].map((m) => Number(m[1]))
      expect(new Set(pids).size).toBe(2)
      expect(relay.output()).toContain('starting 2 workers')
      for (let i = 0; i < 6; i++) {
        expect((await request(`${relay.url}/healthz`)).status).toBe(200)
      }
      const res = await chat(relay.url, userMessage('hi'))
      expect(res.status).toBe(200)
      expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
      await relay.stop()
      await waitFor(() => pids.every((pid) => !alive(pid)), 10_000)
    } finally {
      await relay.stop()
    }
  })
})
