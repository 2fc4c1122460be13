/** @jest-environment jsdom */
import { loadSettings } from '../../miniprogram/services/settings'
import { listConversations, saveConversation } from '../../miniprogram/services/storage'
import { mount, type Rendered, sleep, tap, textOf, waitFor } from '../support/simulate'
import { createWxRequestDouble, installWx } from '../support/wx-request-double'

function type(page: Rendered, selector: string, value: string): void {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`no input at ${selector}`)
  node.dispatchEvent('input', { detail: { value } })
}

describe('settings page', () => {
  let wxHandle: ReturnType<typeof installWx>
  let models: string[]
  let status: number
  beforeEach(() => {
    models = ['deepseek-chat', 'deepseek-reasoner']
    status = 200
    const double = createWxRequestDouble((options) => {
      if (options.url.endsWith('/v1/models')) {
        if (status !== 200)
          return {
            status,
            body: JSON.stringify({ error: { message: 'bad token', type: 'auth', code: 'unauthorized' } }),
          }
        return {
          body: JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }),
        }
      }
      return { body: JSON.stringify({ ok: true }) }
    })
    wxHandle = installWx({ request: double.request })
  })
  afterEach(() => wxHandle.uninstall())

  test('loads defaults and the relay models into the picker', async () => {
    const page = mount('pages/settings/index')
    await waitFor(() => page.data.models.length === 2, 'models')
    expect(page.data.form.relayUrl).toBe('http://127.0.0.1:8787')
    // The default model is not offered by this relay: the first one is picked.
    expect(textOf(page, '.model-value')).toBe('deepseek-chat')
  })

  test('invalid fields show their messages and nothing is saved', async () => {
    const page = mount('pages/settings/index')
    type(page, '.input-relayUrl', 'ftp://x')
    type(page, '.input-temperature', '5')
    type(page, '.input-maxMessages', 'abc')
    tap(page, '.btn-save')
    await sleep(10)
    expect(textOf(page, '.err-relayUrl')).toContain('https://')
    expect(textOf(page, '.err-temperature')).not.toBe('')
    expect(textOf(page, '.err-maxMessages')).not.toBe('')
    expect(wxHandle.storage.has('settings')).toBe(false)
  })

  test('valid settings are saved', async () => {
    const page = mount('pages/settings/index')
    await waitFor(() => page.data.models.length === 2, 'models')
    page.querySelector('.picker')?.dispatchEvent('change', { detail: { value: 1 } })
    type(page, '.input-systemPrompt', '你是一个助手')
    type(page, '.input-temperature', '1.2')
    tap(page, '.btn-save')
    await sleep(10)
    expect(page.querySelector('.err-temperature')).toBeFalsy()
    const saved = loadSettings()
    expect(saved).toMatchObject({
      model: 'deepseek-reasoner',
      systemPrompt: '你是一个助手',
      temperature: 1.2,
    })
  })

  test('测试连接 reports success and a rejected token', async () => {
    const page = mount('pages/settings/index')
    tap(page, '.btn-test')
    await waitFor(() => page.data.testResult !== '', 'test result')
    expect(textOf(page, '.test-ok')).toContain('连接成功')
    status = 401
    tap(page, '.btn-test')
    await waitFor(() => page.data.testResult !== '' && !page.data.testOk, 'second test result')
    expect(textOf(page, '.test-fail')).toContain('已连接中转服务')
  })
})

describe('settings page: data controls', () => {
  let wxHandle: ReturnType<typeof installWx>
  const sheets: number[] = []
  beforeEach(() => {
    const double = createWxRequestDouble(() => ({ status: 404, body: '{}' }))
    sheets.length = 0
    wxHandle = installWx({
      request: double.request,
      // Each action sheet takes the next scripted choice.
      showActionSheet: (o: { success: (r: unknown) => void }) =>
        setTimeout(() => o.success({ tapIndex: sheets.shift() ?? 0 }), 0),
    })
    const conversation = {
      id: 'c1',
      title: '防抖函数',
      createdAt: 1,
      updatedAt: 2,
      messages: [
        { id: 'u1', role: 'user', content: '写一个防抖函数', status: 'done', createdAt: 1 },
        { id: 'a1', role: 'assistant', content: 'function debounce() {}', status: 'done', createdAt: 2 },
      ],
    }
    saveConversation(conversation as never)
  })
  afterEach(() => wxHandle.uninstall())

  test('shows the storage used, exports a conversation as Markdown with the AI label, clears everything', async () => {
    const page = mount('pages/settings/index')
    expect(textOf(page, '.storage-usage')).toMatch(/^已用存储：\d+ KB \/ 10 MB$/)
    sheets.push(0, 0)
    tap(page, '.export-conversation')
    await waitFor(() => (wxHandle.recorded.setClipboardData ?? []).length > 0, 'the export')
    const exported = (wxHandle.recorded.setClipboardData as { data: string }[])[0]?.data ?? ''
    expect(exported).toMatch(/^# 防抖函数\n/)
    expect(exported).toContain('## 我\n\n写一个防抖函数')
    expect(exported).toContain('## AI\n\nfunction debounce() {}\n\n——内容由 AI 生成')
    tap(page, '.clear-all')
    await waitFor(() => listConversations().length === 0, 'the conversations cleared')
    expect(wxHandle.recorded.showModal).toEqual([expect.objectContaining({ title: '清除全部对话' })])
    expect(wxHandle.storage.has('conv:c1')).toBe(false)
  })
})
