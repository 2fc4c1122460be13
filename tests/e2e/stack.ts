import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { type PreviewServer, startPreview } from '../../preview/server'
import {
  createRelay,
  loadConfig,
  type Relay,
  type RelayConfig,
  type RelayOptions,
} from '../../relay/src/index'
import { launchBrowser, openPreview, type PreviewTab } from '../support/browser'

/** The relay (demo model, fast) plus the preview pointed at it, with what the relay saw. */
export interface Stack {
  relay: Relay
  preview: PreviewServer
  config: RelayConfig
  /** One entry per finished chat request: whether the client had gone (aborted) when it ended. */
  ends: { aborted: boolean }[]
  /** Where the relay keeps feedback (a fresh JSON-lines file per stack). */
  feedbackFile: string
  /** Stops the relay (the preview keeps running) — the "relay down" case. */
  stopRelay(): Promise<void>
  /** Starts the relay again on the same port. */
  restartRelay(): Promise<void>
  close(): Promise<void>
}

/** Starts relay + preview on 127.0.0.1 free ports; the demo model streams a chunk every `delayMs`. */
export async function startStack(delayMs = 15): Promise<Stack> {
  const ends: { aborted: boolean }[] = []
  const feedbackFile = join(mkdtempSync(join(tmpdir(), 'e2e-feedback-')), 'feedback.jsonl')
  const config: RelayConfig = loadConfig({
    PORT: '0',
    RELAY_DEMO_DELAY_MS: String(delayMs),
    RELAY_CORS_ORIGINS: '',
    RELAY_SERVICE_NAME: '预览问答',
    RELAY_SUPPORT_CONTACT: 'support@example.com',
    RELAY_FEEDBACK_FILE: feedbackFile,
  })
  const options: RelayOptions = {
    hooks: {
      onEnd: async (ctx) => {
        ends.push({ aborted: ctx.signal.aborted })
      },
    },
    logSink: () => undefined,
  }
  let relay = await createRelay(config, options)
  const preview = await startPreview({ port: 0, relayUrl: relay.url })
  config.corsOrigins = [`http://127.0.0.1:${preview.port}`]
  let running = true
  const stack: Stack = {
    get relay() {
      return relay
    },
    preview,
    config,
    ends,
    feedbackFile,
    async stopRelay() {
      running = false
      await relay.close()
    },
    async restartRelay() {
      relay = await createRelay({ ...config, port: relay.port }, options)
      running = true
    },
    async close() {
      await preview.close()
      if (running) await relay.close()
    },
  }
  return stack
}

/** Text of the last assistant answer as the user sees it. */
export function lastAnswerText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const all = document.querySelectorAll('[class*="--msg-assistant"] [class*="--answer"]')
    return (all[all.length - 1] as HTMLElement | undefined)?.textContent ?? ''
  })
}

/** Ticks 我已阅读并同意 and taps 同意并继续 on the consent gate (a fresh browser profile meets it first). */
export async function agree(page: Page): Promise<void> {
  await page.locator('consent-gate [class*="--consent-check"]').click()
  await page.locator('consent-gate button[class*="--consent-agree"]:not([disabled])').click()
  await page.locator('chat-input textarea').waitFor()
}

/** Types a question into the chat input and taps 发送 (agreeing first when the consent gate asks). */
export async function ask(page: Page, question: string): Promise<void> {
  await page.locator('chat-input textarea, consent-gate').first().waitFor()
  if ((await page.locator('consent-gate').count()) > 0) await agree(page)
  await page.locator('chat-input textarea').fill(question)
  await page.locator('button[class*="--btn-send"]:not([disabled])').click()
}

/** Waits until no answer is streaming and the last answer shows its actions. */
export async function answerFinished(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const msgs = document.querySelectorAll('[class*="--msg-assistant"]')
      const last = msgs[msgs.length - 1]
      return (
        !document.querySelector('button[class*="--btn-stop"]') &&
        last?.querySelector('[class*="--actions"]') !== null &&
        last !== undefined
      )
    },
    undefined,
    { timeout: 60_000 },
  )
}

/** Waits until the last answer on screen is longer than `chars` characters (it is streaming in). */
export async function answerLongerThan(page: Page, chars: number): Promise<void> {
  await page.waitForFunction((n) => {
    const all = document.querySelectorAll('[class*="--msg-assistant"] [class*="--answer"]')
    return ((all[all.length - 1] as HTMLElement | undefined)?.textContent.length ?? 0) > n
  }, chars)
}

/** Waits (up to 5 s) until the relay has finished `count` chat requests in total; returns what it saw. */
export async function relayEnds(stack: Stack, count: number): Promise<{ aborted: boolean }[]> {
  for (let i = 0; i < 50 && stack.ends.length < count; i += 1) await new Promise((r) => setTimeout(r, 100))
  return stack.ends.slice()
}

/** A stack with Chromium and one light-themed tab on the preview, shared by one test file's tests. */
export interface BrowserStack {
  stack: Stack
  browser: Browser
  tab: PreviewTab
  page: Page
}

/** Opens a BrowserStack before the file's tests (filled in by then) and closes it after them. */
export function useBrowserStack(delayMs: number): BrowserStack {
  const session = {} as BrowserStack
  beforeAll(async () => {
    session.stack = await startStack(delayMs)
    session.browser = await launchBrowser()
    session.tab = await openPreview(session.browser, session.stack.preview.url, 'light')
    session.page = session.tab.page
  })
  afterAll(async () => {
    await session.browser?.close()
    await session.stack?.close()
  })
  return session
}
