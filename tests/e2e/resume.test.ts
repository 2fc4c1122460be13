import type { Browser, Page } from 'playwright-core'
import { launchBrowser, openPreview, type PreviewTab } from '../support/browser'
import {
  answerFinished,
  answerLongerThan,
  ask,
  lastAnswerText,
  relayEnds,
  type Stack,
  startStack,
} from './stack'

// Resumable answers in the real chat page: the preview's debug switch drops every request in flight
// mid-answer, as a phone switching from Wi-Fi to 4G does, and the client reattaches to the same
// relay generation. The answer must come out exactly as the uninterrupted one, from one upstream run.
jest.setTimeout(120_000)

const QUESTION = '写一个防抖函数'

let stack: Stack
let browser: Browser
let tab: PreviewTab
let page: Page

beforeAll(async () => {
  stack = await startStack(15)
  browser = await launchBrowser()
  tab = await openPreview(browser, stack.preview.url, 'light')
  page = tab.page
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

/** Drops the connection as WeChat reports it (request:fail) and returns how many requests it cut. */
function dropConnection(p: Page): Promise<number> {
  return p.evaluate(() => {
    const w = window as unknown as { __previewNetwork: { drop(offlineMs?: number): number } }
    return w.__previewNetwork.drop(300)
  })
}

test('an answer whose connection drops mid-stream finishes exactly as an uninterrupted one', async () => {
  await ask(page, QUESTION)
  await answerFinished(page)
  const uninterrupted = await lastAnswerText(page)
  expect(uninterrupted.length).toBeGreaterThan(200)
  const before = (await relayEnds(stack, 1)).length

  await ask(page, QUESTION)
  await answerLongerThan(page, 40)
  const cut = await dropConnection(page)
  expect(cut).toBeGreaterThan(0)
  await answerFinished(page)

  expect(await lastAnswerText(page)).toBe(uninterrupted)
  // One generation ran to its end on the relay although its first request was cut: nothing was
  // started twice, and the upstream was not aborted by the drop.
  const ends = await relayEnds(stack, before + 1)
  expect(ends.slice(before)).toEqual([{ aborted: false }])
  await expect(page.locator('[class*="--msg-assistant"] [class*="--error"]').count()).resolves.toBe(0)
  expect(tab.errors).toEqual([])
})
