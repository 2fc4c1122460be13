import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, openPreview, type PreviewTab } from '../support/browser'
import { agree, answerFinished, ask, type Stack, startStack } from './stack'

// What WeChat review checks, in the real pages in Chromium against the relay: consent first, the AI
// label on answers and in copied text, 举报 reaching the relay's store, 关于 naming model and filing.
jest.setTimeout(120_000)

let stack: Stack
let browser: Browser
let tab: PreviewTab
let page: Page

beforeAll(async () => {
  stack = await startStack(5)
  browser = await launchBrowser()
  tab = await openPreview(browser, stack.preview.url, 'light')
  page = tab.page
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

function lastAnswer() {
  return page.locator('[class*="--msg-assistant"]').last()
}

test('first run shows the agreement; its texts come from the relay; agreeing opens the chat', async () => {
  await page.locator('consent-gate').waitFor()
  await expect(page.locator('chat-input').count()).resolves.toBe(0)
  await expect(page.locator('consent-gate').textContent()).resolves.toContain('预览问答')
  await page.locator('consent-gate [class*="--consent-link-agreement"]').click()
  await expect(page.locator('.doc').textContent()).resolves.toContain('预览问答用户协议')
  await page.locator('#wx-nav-back').click()
  await agree(page)
  await expect(page.locator('consent-gate').count()).resolves.toBe(0)
  expect(tab.errors).toEqual([])
})

test('an answer carries the AI label, and copying it puts the label in the clipboard', async () => {
  await ask(page, '写一个防抖函数')
  await answerFinished(page)
  await expect(lastAnswer().locator('[class*="--ai-label"]').textContent()).resolves.toBe('内容由 AI 生成')
  await expect(page.locator('[class*="--msg-user"] [class*="--ai-label"]').count()).resolves.toBe(0)
  await expect(page.locator('.model-line').textContent()).resolves.toMatch(
    /模型：演示模型.*备案号：演示模型，无需备案/,
  )
  await lastAnswer().locator('[class*="--action-copy"]').click()
  const clipboard = await page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        (window as unknown as { wx: { getClipboardData(o: object): void } }).wx.getClipboardData({
          success: (r: { data: string }) => resolve(r.data),
        }),
      ),
  )
  expect(clipboard).toContain('export function debounce')
  expect(clipboard.trimEnd().endsWith('——内容由 AI 生成')).toBe(true)
})

test('举报 reaches the relay with the reason, the note and the answer; the answer can be hidden', async () => {
  await lastAnswer().locator('[class*="--action-report"]').click()
  await page.locator('.wx-sheet-item', { hasText: '虚假信息' }).click()
  await page.locator('.wx-modal-input').fill('示例数据有误')
  await page.locator('.wx-modal-confirm').click()
  await page.locator('.wx-modal-title', { hasText: '举报已提交' }).waitFor()
  await page.locator('.wx-modal-confirm').click()
  await lastAnswer().locator('[class*="--error-text"]', { hasText: '你已隐藏这条回答' }).waitFor()
  const records = readFileSync(stack.feedbackFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  expect(records).toEqual([
    expect.objectContaining({ kind: 'report', reason: 'false', note: '示例数据有误', model: 'demo' }),
  ])
  expect(records[0].content).toContain('export function debounce')
  expect(records[0].generationId).toMatch(/^g[\w-]{8,}$/)
  expect(tab.errors).toEqual([])
})

test('关于 lists the model and its filing number from the relay, and the support contact', async () => {
  await page.locator('.tool-settings').click()
  await page.locator('.open-about').click()
  await page.locator('.about-model-name', { hasText: '演示模型' }).waitFor()
  await expect(page.locator('.about-model-filing').first().textContent()).resolves.toContain(
    '演示模型，无需备案',
  )
  await expect(page.locator('.about-support').textContent()).resolves.toContain('support@example.com')
  await expect(page.locator('.about-service').textContent()).resolves.toBe('预览问答')
  expect(tab.errors).toEqual([])
})
