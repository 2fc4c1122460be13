import type { Page } from 'playwright-core'
import { answerFinished, answerLongerThan, ask, lastAnswerText, relayEnds, useBrowserStack } from './stack'

// Resumable answers in the real chat page: the preview's debug switch drops every request in flight
// mid-answer, as a phone switching from Wi-Fi to 4G does, and the client reattaches to the same
// relay generation. The answer must come out exactly as the uninterrupted one, from one upstream run.
jest.setTimeout(120_000)

const QUESTION = '写一个防抖函数'

const session = useBrowserStack(15)

/** Drops the connection as WeChat reports it (request:fail) and returns how many requests it cut. */
function dropConnection(p: Page): Promise<number> {
  return p.evaluate(() => {
    const w = window as unknown as { __previewNetwork: { drop(offlineMs?: number): number } }
    return w.__previewNetwork.drop(300)
  })
}

test('an answer whose connection drops mid-stream finishes exactly as an uninterrupted one', async () => {
  await ask(session.page, QUESTION)
  await answerFinished(session.page)
  const uninterrupted = await lastAnswerText(session.page)
  expect(uninterrupted.length).toBeGreaterThan(200)
  const before = (await relayEnds(session.stack, 1)).length

  await ask(session.page, QUESTION)
  await answerLongerThan(session.page, 40)
  const cut = await dropConnection(session.page)
  expect(cut).toBeGreaterThan(0)
  await answerFinished(session.page)

  expect(await lastAnswerText(session.page)).toBe(uninterrupted)
  // One generation ran to its end on the relay although its first request was cut: nothing was
  // started twice, and the upstream was not aborted by the drop.
  const ends = await relayEnds(session.stack, before + 1)
  expect(ends.slice(before)).toEqual([{ aborted: false }])
  await expect(session.page.locator('[class*="--msg-assistant"] [class*="--error"]').count()).resolves.toBe(0)
  expect(session.tab.errors).toEqual([])
})
