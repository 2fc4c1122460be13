import type { Browser, Page } from 'playwright-core'
import { launchBrowser, openPreview, type PreviewTab, screenshot } from '../support/browser'
import {
  answerFinished,
  answerLongerThan,
  ask,
  lastAnswerText,
  relayEnds,
  type Stack,
  startStack,
} from './stack'

// The real chat page (miniprogram/pages/chat) in headless Chromium, streaming from the relay's demo model.
// The steps share one tab and build on each other, like a user's session.
jest.setTimeout(120_000)

let stack: Stack
let browser: Browser
let tab: PreviewTab
let page: Page
/** Console warnings of the main tab (glass-easel reports non-unique wx:key values there). */
const warnings: string[] = []

beforeAll(async () => {
  stack = await startStack(15)
  browser = await launchBrowser()
  tab = await openPreview(browser, stack.preview.url, 'light')
  page = tab.page
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text())
  })
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

/** Records the last answer's text length on every animation frame until stopped. */
async function startSampling(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { __samples: number[]; __sampling: boolean }
    w.__samples = []
    w.__sampling = true
    const tick = () => {
      const all = document.querySelectorAll('[class*="--msg-assistant"] [class*="--answer"]')
      const last = all[all.length - 1] as HTMLElement | undefined
      w.__samples.push(last?.textContent.length ?? 0)
      if (w.__sampling) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
}

async function stopSampling(p: Page): Promise<number[]> {
  return p.evaluate(() => {
    const w = window as unknown as { __samples: number[]; __sampling: boolean }
    w.__sampling = false
    return w.__samples
  })
}

/** Px between the chat list's visible bottom and the end of its content, after two frames (scrolls applied). */
function listGap(p: Page): Promise<number> {
  return p.evaluate(
    () =>
      new Promise<number>((resolve) => {
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const list = document.querySelector('#wx-pages page:last-of-type scroll-view.list') as HTMLElement
            resolve(list.scrollHeight - list.scrollTop - list.clientHeight)
          }),
        )
      }),
  )
}

test('an answer streams in over many frames, then shows a code block and a table', async () => {
  await startSampling(page)
  await ask(page, '写一个防抖函数')
  await answerLongerThan(page, 250)
  await screenshot(page, 'chat-light-streaming')
  await answerFinished(page)
  const samples = await stopSampling(page)
  const final = (await lastAnswerText(page)).length
  // Streaming, not one paint: many distinct partial lengths were on screen before the final one.
  const partial = new Set(samples.filter((n) => n > 0 && n < final))
  expect(partial.size).toBeGreaterThanOrEqual(5)
  const code = page.locator('[class*="--msg-assistant"] [class*="md-codeblock"]').last()
  await expect(code.textContent()).resolves.toContain('export function debounce')
  const table = page.locator('[class*="--msg-assistant"] [class*="md-table"]').last()
  await expect(table.textContent()).resolves.toMatch(/防抖[\s\S]*节流/)
  await expect(page.locator('[class*="--msg-user"] [class*="--bubble"]').last().textContent()).resolves.toBe(
    '写一个防抖函数',
  )
  // Nobody scrolled: the list followed the stream to the very end (the reasoning panel collapsing and the
  // typing indicator going away shrink the content — that is not the user scrolling up).
  expect(await listGap(page)).toBeLessThanOrEqual(2)
  await expect(page.locator('.to-bottom').count()).resolves.toBe(0)
  await screenshot(page, 'chat-light-finished')
  // The title shows once: in the navigation bar, not again in the page's toolbar.
  await expect(page.locator('#wx-nav-title').textContent()).resolves.toBe('写一个防抖函数')
  await expect(page.locator('.toolbar').textContent()).resolves.not.toContain('写一个防抖函数')
  expect(await relayEnds(stack, 1)).toEqual([{ aborted: false }])
  expect(tab.errors).toEqual([])
  expect(warnings.filter((w) => /not unique/.test(w))).toEqual([])
})

test('stop mid-answer keeps the partial answer and aborts the relay stream', async () => {
  const before = stack.ends.length
  await ask(page, '再写一个节流函数，并解释区别')
  await answerLongerThan(page, 30)
  await page.locator('button[class*="--btn-stop"]').click()
  await page.locator('button[class*="--btn-send"]').waitFor()
  const partial = await lastAnswerText(page)
  expect(partial.length).toBeGreaterThan(30)
  await page.waitForTimeout(400)
  await expect(lastAnswerText(page)).resolves.toBe(partial)
  // The relay noticed the client leaving and ended the demo stream as aborted.
  expect((await relayEnds(stack, before + 1)).slice(before)).toEqual([{ aborted: true }])
  expect(tab.errors).toEqual([])
})

test('regenerate replaces the last answer with a new complete one', async () => {
  const assistants = await page.locator('[class*="--msg-assistant"]').count()
  const before = stack.ends.length
  await page
    .locator('[class*="--msg-assistant"]')
    .last()
    .locator('[class*="--action-regenerate"], [class*="--action-retry"]')
    .first()
    .click()
  await page.locator('button[class*="--btn-stop"]').waitFor()
  // A real upward scroll (mouse wheel over the list) while it streams stops following and shows 回到底部.
  // Several ticks: one tick can land in the frame where an already requested auto-scroll is applied.
  await page.mouse.move(187, 300)
  for (let i = 0; i < 10 && (await page.locator('.to-bottom').count()) === 0; i += 1) {
    await page.mouse.wheel(0, -150)
    await page.waitForTimeout(100)
  }
  await page.locator('.to-bottom').waitFor()
  await page.waitForTimeout(300)
  expect(await listGap(page)).toBeGreaterThan(100)
  await page.locator('.to-bottom').click()
  await page.locator('.to-bottom').waitFor({ state: 'detached' })
  await answerFinished(page)
  // Following resumed: the finished answer ends at the bottom of the list.
  expect(await listGap(page)).toBeLessThanOrEqual(2)
  await expect(page.locator('.to-bottom').count()).resolves.toBe(0)
  await expect(page.locator('[class*="--msg-assistant"]').count()).resolves.toBe(assistants)
  expect((await relayEnds(stack, before + 1)).slice(before)).toEqual([{ aborted: false }])
  await expect(
    page.locator('[class*="--msg-assistant"]').last().locator('[class*="--action-regenerate"]').count(),
  ).resolves.toBe(1)
})

test('edit and resend replaces the last question and its answer', async () => {
  const users = await page.locator('[class*="--msg-user"]').count()
  await page.locator('[class*="--msg-user"]').last().locator('[class*="--action-edit"]').click()
  await expect(page.locator('chat-input textarea').inputValue()).resolves.toBe('再写一个节流函数，并解释区别')
  await ask(page, '用一句话解释节流')
  await answerFinished(page)
  await expect(page.locator('[class*="--msg-user"]').count()).resolves.toBe(users)
  await expect(page.locator('[class*="--msg-user"] [class*="--bubble"]').last().textContent()).resolves.toBe(
    '用一句话解释节流',
  )
  expect(tab.errors).toEqual([])
})

test('the conversation survives a reload', async () => {
  const answer = await lastAnswerText(page)
  await page.reload()
  await page.locator('[class*="--msg-user"]', { hasText: '用一句话解释节流' }).waitFor()
  await expect(page.locator('[class*="--msg-user"] [class*="--bubble"]').first().textContent()).resolves.toBe(
    '写一个防抖函数',
  )
  await expect(lastAnswerText(page)).resolves.toBe(answer)
})

test('switching conversations through the list', async () => {
  await page.locator('.tool-new').click()
  await page.locator('[class*="--msg-user"]').first().waitFor({ state: 'detached' })
  await ask(page, '你好')
  await answerFinished(page)
  await page.locator('.tool-list').click()
  const items = page.locator('.conv')
  await items.nth(1).waitFor()
  await expect(items.count()).resolves.toBe(2)
  await items.filter({ hasText: '防抖' }).click()
  await page.locator('[class*="--msg-user"]', { hasText: '写一个防抖函数' }).waitFor()
  await expect(page.locator('[class*="--msg-user"]', { hasText: /^你好$/ }).count()).resolves.toBe(0)
  expect(tab.errors).toEqual([])
})

test('renaming a conversation uses the editable modal', async () => {
  await page.locator('.tool-list').click()
  const item = page.locator('.conv').filter({ hasText: '防抖' })
  await item.locator('.conv-rename').click()
  const input = page.locator('.wx-modal-input')
  await input.fill('防抖笔记')
  await page.locator('.wx-modal-confirm').click()
  await page.locator('.conv-title', { hasText: /^防抖笔记$/ }).waitFor()
  await page.locator('#wx-nav-back').click()
  await page.locator('[class*="--msg-user"]').first().waitFor()
  // The open chat adopted the new name (a later save must not bring the old one back).
  await page.locator('#wx-nav-title', { hasText: /^防抖笔记$/ }).waitFor()
  expect(tab.errors).toEqual([])
})

test('relay down: a readable error with retry, and retry works once it is back', async () => {
  await stack.stopRelay()
  await ask(page, '中继停了会怎样？')
  const error = page.locator('[class*="--msg-assistant"]').last().locator('[class*="--error-text"]')
  await error.waitFor()
  const message = await error.textContent()
  expect(message).toMatch(/[\u4e00-\u9fff]/)
  expect(message).not.toMatch(/undefined|\[object|request:fail/)
  await stack.restartRelay()
  await page.locator('[class*="--msg-assistant"]').last().locator('[class*="--action-retry"]').click()
  await answerFinished(page)
  await expect(
    page.locator('[class*="--msg-assistant"]').last().locator('[class*="--error-text"]').count(),
  ).resolves.toBe(0)
  expect((await lastAnswerText(page)).length).toBeGreaterThan(50)
  expect(tab.errors).toEqual([])
})

test('dark mode follows prefers-color-scheme (screenshots mid-stream and finished)', async () => {
  const dark = await openPreview(browser, stack.preview.url, 'dark')
  await dark.page.locator('.tool-new').click()
  await ask(dark.page, '写一个防抖函数')
  await answerLongerThan(dark.page, 250)
  await screenshot(dark.page, 'chat-dark-streaming')
  await answerFinished(dark.page)
  await screenshot(dark.page, 'chat-dark-finished')
  const bg = await dark.page.evaluate(
    () => getComputedStyle(document.querySelector('page') as Element).backgroundColor,
  )
  const [r = 255, g = 255, b = 255] = (bg.match(/\d+/g) ?? []).map(Number)
  expect(r + g + b).toBeLessThan(150)
  expect(dark.errors).toEqual([])
  await dark.context.close()
})
