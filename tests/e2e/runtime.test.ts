import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { type PreviewServer, startPreview } from '../../preview/server'
import { launchBrowser, openPreview } from '../support/browser'

/** Waits until `view.log` shows exactly `text` (or matches it). */
async function logShows(page: Page, text: string | RegExp, selector = 'view.log'): Promise<void> {
  const re = typeof text === 'string' ? new RegExp(`^${text}$`) : text
  await page.locator(selector, { hasText: re }).waitFor()
}

// The preview runtime itself (glass-easel + built-ins + wx shim) on a small fixture app, independent of
// the real pages: WXML bindings, scoped WXSS, events with dataset, textarea/input/button/switch/scroll-view.
jest.setTimeout(120_000)

let preview: PreviewServer
let browser: Browser

beforeAll(async () => {
  preview = await startPreview({ port: 0, root: join(__dirname, 'fixture-app') })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await preview?.close()
})

test('renders WXML with scoped component styles and rpx converted', async () => {
  const { page, errors, context } = await openPreview(browser, preview.url)
  const badge = page.locator('badge text')
  await expect(badge.textContent()).resolves.toBe('3')
  // The component's `.badge` is scoped: it styles the badge but not the page's own `.badge` element.
  await expect(badge.evaluate((e) => getComputedStyle(e).backgroundColor)).resolves.toBe('rgb(255, 0, 0)')
  const pageBadge = page.locator('view.badge')
  await expect(pageBadge.evaluate((e) => getComputedStyle(e).backgroundColor)).resolves.toBe(
    'rgba(0, 0, 0, 0)',
  )
  // 20rpx padding → 10px at the 375-px frame.
  await expect(page.locator('view.page').evaluate((e) => getComputedStyle(e).paddingTop)).resolves.toBe(
    '10px',
  )
  await expect(page.locator('#wx-nav-title').textContent()).resolves.toBe('预览自检')
  expect(errors).toEqual([])
  await context.close()
})

test('tap carries the dataset; input, button, switch and storage work', async () => {
  const { page, errors, context } = await openPreview(browser, preview.url)
  await page.locator('view.row', { hasText: /^行 2$/ }).click()
  await logShows(page, 'row 2')
  const send = page.locator('button.send')
  await expect(send.isDisabled()).resolves.toBe(true)
  await page.locator('textarea.box').fill('你好')
  // bindinput → setData({ text }) → the bound input and the button follow.
  await page.waitForFunction(
    () => (document.querySelector('input.field') as HTMLInputElement).value === '你好',
  )
  await expect(send.isDisabled()).resolves.toBe(false)
  await page.locator('input.field').press('Enter')
  await logShows(page, 'confirm 你好')
  await send.click()
  await logShows(page, 'sent 你好')
  await expect(page.locator('textarea.box').inputValue()).resolves.toBe('')
  const stored = await page.evaluate(() => localStorage.getItem('wx:sent'))
  expect(JSON.parse(stored ?? 'null')).toEqual({ text: '你好' })
  await page.locator('switch').click()
  await logShows(page, 'switch true')
  expect(errors).toEqual([])
  await context.close()
})

test('scroll-view scrolls into view and reports scroll events', async () => {
  const { page, errors, context } = await openPreview(browser, preview.url)
  await page.locator('textarea.box').fill('x')
  await page.locator('button.send').click()
  // scroll-into-view="item-30" after the send.
  await page.waitForFunction(() => (document.querySelector('scroll-view') as HTMLElement).scrollTop > 0)
  await logShows(page, /^scroll \d+ of 1600$|^lower$/, 'view.scroll-log')
  expect(errors).toEqual([])
  await context.close()
})

test('navigateTo opens a page with its query and navigateBack returns', async () => {
  const { page, errors, context } = await openPreview(browser, preview.url)
  await page.evaluate(() =>
    (window as unknown as { wx: WechatMiniprogram.Wx }).wx.navigateTo({
      url: '/pages/second/index?from=demo',
    }),
  )
  await expect(page.locator('view.second').textContent()).resolves.toBe('demo')
  await expect(page.locator('#wx-nav-title').textContent()).resolves.toBe('第二页')
  await page.locator('#wx-nav-back').click()
  await page.waitForSelector('view.second', { state: 'detached' })
  await expect(page.locator('view.page').isVisible()).resolves.toBe(true)
  expect(errors).toEqual([])
  await context.close()
})

test('wx.request: JSON/text/arraybuffer bodies, chunked delivery and abort', async () => {
  const { page, errors, context } = await openPreview(browser, preview.url)
  const result = await page.evaluate(async (url) => {
    const w = window as unknown as { wx: WechatMiniprogram.Wx }
    const call = (o: Partial<WechatMiniprogram.RequestOption>) =>
      new Promise<{ ok: boolean; res: Record<string, unknown>; chunks: number; headers: number | undefined }>(
        (resolve) => {
          let chunks = 0
          let headers: number | undefined
          const task = w.wx.request({
            url,
            ...o,
            success: (res) => resolve({ ok: true, res: res as never, chunks, headers }),
            fail: (err) => resolve({ ok: false, res: err as never, chunks, headers }),
          } as WechatMiniprogram.RequestOption)
          task.onHeadersReceived((r) => {
            headers = r.statusCode
          })
          if (o.enableChunked) {
            task.onChunkReceived((r) => {
              if (r.data instanceof ArrayBuffer) chunks += r.data.byteLength
            })
          }
          if ((o as { abortNow?: boolean }).abortNow) task.abort()
        },
      )
    const text = await call({ dataType: '其他' })
    const buffer = await call({ responseType: 'arraybuffer' })
    const chunked = await call({ enableChunked: true })
    const aborted = await call({ enableChunked: true, abortNow: true } as never)
    return {
      text: typeof text.res.data === 'string' && (text.res.data as string).includes('__PREVIEW_CONFIG__'),
      status: text.res.statusCode,
      bytes: (buffer.res.data as ArrayBuffer).byteLength,
      chunkBytes: chunked.chunks,
      chunkedHeaders: chunked.headers,
      chunkedData: (chunked.res.data as ArrayBuffer).byteLength,
      aborted: aborted.ok ? 'succeeded' : aborted.res.errMsg,
      missing: w.wx.getStorageSync('nothing-here'),
    }
  }, `${preview.url}config.js`)
  expect(result.text).toBe(true)
  expect(result.status).toBe(200)
  expect(result.bytes).toBeGreaterThan(20)
  // Chunked: the body arrives through onChunkReceived (same byte count), success carries an empty buffer.
  expect(result.chunkBytes).toBe(result.bytes)
  expect(result.chunkedHeaders).toBe(200)
  expect(result.chunkedData).toBe(0)
  expect(result.aborted).toBe('request:fail abort')
  expect(result.missing).toBe('')
  expect(errors).toEqual([])
  await context.close()
})
