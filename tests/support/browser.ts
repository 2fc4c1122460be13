import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

/** Where end-to-end screenshots go (README: artifacts/screenshots/). */
export const SCREENSHOT_DIR = resolve(__dirname, '../../artifacts/screenshots')

/** Launches Debian's headless Chromium (`.ci/run` installs it when missing), with `extraArgs` (a fake microphone…). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
    timeout: 30_000,
  })
}

/** An open preview tab plus the page errors it reported (a test should assert there are none). */
export interface PreviewTab {
  context: BrowserContext
  page: Page
  errors: string[]
}

/** Opens the preview in a fresh phone-sized context (own localStorage) with the given colour scheme. */
export async function openPreview(
  browser: Browser,
  url: string,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<PreviewTab> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 760 },
    colorScheme,
    deviceScaleFactor: 1,
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  page.setDefaultTimeout(20_000)
  await page.goto(url)
  await page.waitForSelector('#wx-pages page')
  return { context, page, errors }
}

/** Saves a screenshot of the phone frame as artifacts/screenshots/<name>.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.locator('#wx-phone').screenshot({ path })
  return path
}
