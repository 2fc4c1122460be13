import { createIdleTimer } from '../../relay/src/chat/idle-timer'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('idle timer (touch records the time, the timer re-checks it)', () => {
  it('does not fire while touched more often than its period, even past several periods', async () => {
    let fired = 0
    const timer = createIdleTimer(150, () => fired++)
    for (let i = 0; i < 10; i++) {
      await sleep(40)
      timer.touch()
    }
    expect(fired).toBe(0)
    timer.stop()
  })

  it('fires once after a full quiet period counted from the last touch', async () => {
    let firedAt = 0
    const timer = createIdleTimer(120, () => {
      firedAt = Date.now()
    })
    await sleep(80)
    const lastTouch = Date.now()
    timer.touch()
    await sleep(400)
    expect(firedAt - lastTouch).toBeGreaterThanOrEqual(115)
    timer.stop()
  })

  it('never fires once stopped, and a touch after stop starts a fresh period', async () => {
    let fired = 0
    const timer = createIdleTimer(60, () => fired++)
    timer.stop()
    await sleep(150)
    expect(fired).toBe(0)
    timer.touch()
    await sleep(200)
    expect(fired).toBe(1)
  })
})
