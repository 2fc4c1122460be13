import { ClientAbort } from '../../relay/src/chat/client-abort'

describe('ClientAbort', () => {
  it('runs each callback once on abort, not the ones unsubscribed', () => {
    const abort = new ClientAbort()
    const calls: string[] = []
    abort.onAbort(() => calls.push('a'))
    const unsubscribe = abort.onAbort(() => calls.push('b'))
    abort.onAbort(() => calls.push('c'))
    unsubscribe()
    abort.abort()
    abort.abort()
    expect(calls).toEqual(['a', 'c'])
    expect(abort.aborted).toBe(true)
  })

  it('runs a callback at once when already aborted', () => {
    const abort = new ClientAbort()
    abort.abort()
    const seen: number[] = []
    abort.onAbort(() => seen.push(1))
    expect(seen).toEqual([1])
  })

  it('gives a signal that follows the abort, whether made before or after it', () => {
    const before = new ClientAbort()
    const signal = before.signal
    let fired = 0
    signal.addEventListener('abort', () => fired++)
    expect(signal.aborted).toBe(false)
    before.abort()
    expect(signal.aborted).toBe(true)
    expect(fired).toBe(1)
    expect(before.signal).toBe(signal)

    const after = new ClientAbort()
    after.abort()
    expect(after.signal.aborted).toBe(true)
  })
})
