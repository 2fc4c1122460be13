import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { DEMO_TRANSCRIPT } from '../../relay/src/media/transcription'
import { launchBrowser, openPreview, type PreviewTab } from '../support/browser'
import { makePng } from '../support/images'
import { agree, answerFinished, lastAnswerText, type Stack, startStack } from './stack'

// Photos and voice in the real pages in Chromium against the relay's demo model: a picked photo is
// downscaled, uploaded and described by the demo with its size; 2 s from Chromium's fake
// microphone come back as the demo transcript in the input box.
jest.setTimeout(120_000)

let stack: Stack
let browser: Browser
let tab: PreviewTab
let page: Page

beforeAll(async () => {
  stack = await startStack(5)
  browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'])
  tab = await openPreview(browser, stack.preview.url, 'light')
  await tab.context.grantPermissions(['microphone'])
  page = tab.page
  await page.locator('consent-gate').waitFor()
  await agree(page)
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

test('a photo is downscaled, uploaded, shown in the bubble, and the demo answer states its size', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'e2e-photo-')), 'photo.png')
  writeFileSync(file, makePng(37, 23))
  const chooser = page.waitForEvent('filechooser')
  await page.locator('chat-input [class*="--attach"]').click()
  await (await chooser).setFiles(file)
  await page.locator('chat-input [class*="--thumb"] img').waitFor()
  await page.locator('chat-input textarea').fill('这张图片是什么？')
  await page.locator('chat-input button[class*="--btn-send"]:not([disabled])').click()
  await answerFinished(page)
  await expect(page.locator('[class*="--msg-user"] image[class*="--photo"]').count()).resolves.toBe(1)
  expect(await lastAnswerText(page)).toContain('37×23')
  expect(tab.errors).toEqual([])
})

test('holding 🎤 for 2 s from the fake microphone puts the demo transcript in the input box', async () => {
  const mic = page.locator('voice-button [class*="--voice"]').first()
  const box = await mic.boundingBox()
  if (!box) throw new Error('no 🎤')
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await mic.dispatchEvent('touchstart', {
    touches: [{ identifier: 1, clientX: box.x + 5, clientY: box.y + 5 }],
  })
  await page.waitForTimeout(2000)
  await mic.dispatchEvent('touchend', {
    changedTouches: [{ identifier: 1, clientX: box.x + 5, clientY: box.y + 5 }],
  })
  await page.waitForFunction(
    (text) => (document.querySelector('chat-input textarea') as HTMLTextAreaElement | null)?.value === text,
    DEMO_TRANSCRIPT,
    { timeout: 15_000 },
  )
  expect(tab.errors).toEqual([])
})
