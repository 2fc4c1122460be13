import {
  DEFAULT_SETTINGS,
  normalizeRelayUrl,
  type Settings,
  validateSettings,
} from '../../miniprogram/lib/settings/index'
import { loadSettings, SETTINGS_KEY, saveSettings } from '../../miniprogram/services/settings'
import { type InstalledWx, installWx } from '../support/wx-request-double'

let installed: InstalledWx
beforeEach(() => {
  installed = installWx()
})
afterEach(() => installed.uninstall())

const valid: Settings = {
  relayUrl: 'https://relay.example.com',
  token: 'sk-relay-abc',
  model: 'deepseek-chat',
  systemPrompt: '你是一个乐于助人的助手。',
  temperature: 1.2,
  maxMessages: 10,
}

describe('settings', () => {
  test('defaults on a fresh install', () => {
    expect(loadSettings()).toEqual({
      relayUrl: 'http://127.0.0.1:8787',
      token: '',
      model: 'demo',
      systemPrompt: '',
      temperature: 0.7,
      maxMessages: 20,
    })
    expect(DEFAULT_SETTINGS.maxMessages).toBe(20)
  })

  test('save then load round-trips through wx storage', () => {
    saveSettings(valid)
    expect(installed.storage.has(SETTINGS_KEY)).toBe(true)
    expect(loadSettings()).toEqual(valid)
  })

  test('save normalizes a pasted endpoint and form strings', () => {
    const saved = saveSettings({
      ...valid,
      relayUrl: '  https://relay.example.com/v1/chat/completions/ ',
      token: ' tok ',
      temperature: '0.3' as unknown as number,
      maxMessages: '6' as unknown as number,
    })
    expect(saved).toMatchObject({
      relayUrl: 'https://relay.example.com',
      token: 'tok',
      temperature: 0.3,
      maxMessages: 6,
    })
    expect(loadSettings()).toEqual(saved)
  })

  test('saving invalid settings throws the Chinese message and stores nothing', () => {
    expect(() => saveSettings({ ...valid, relayUrl: 'relay.example.com' })).toThrow(
      '中转地址须以 https:// 或 http:// 开头',
    )
    expect(installed.storage.has(SETTINGS_KEY)).toBe(false)
  })

  test('broken or partial stored values fall back field by field', () => {
    installed.storage.set(
      SETTINGS_KEY,
      JSON.stringify({ relayUrl: 'https://ok.example.com', temperature: 9, maxMessages: 'x', model: '' }),
    )
    expect(loadSettings()).toEqual({ ...DEFAULT_SETTINGS, relayUrl: 'https://ok.example.com' })
    installed.storage.set(SETTINGS_KEY, JSON.stringify('garbage'))
    expect(loadSettings()).toEqual(DEFAULT_SETTINGS)
  })

  test('storage throwing on read gives the defaults', () => {
    installed.uninstall()
    installed = installWx({
      getStorageSync: () => {
        throw new Error('getStorageSync:fail')
      },
    })
    expect(loadSettings()).toEqual(DEFAULT_SETTINGS)
  })

  test('loadSettings returns a copy: editing it does not change the defaults', () => {
    const s = loadSettings()
    s.model = 'changed'
    expect(loadSettings().model).toBe('demo')
  })
})

describe('validateSettings', () => {
  test('valid settings, including a local http relay and an empty token', () => {
    expect(validateSettings(valid)).toEqual({ ok: true })
    expect(validateSettings({ ...DEFAULT_SETTINGS })).toEqual({ ok: true })
  })

  test.each<[Partial<Settings>, keyof Settings, string]>([
    [{ relayUrl: '' }, 'relayUrl', '请填写中转地址'],
    [{ relayUrl: 'ftp://x.com' }, 'relayUrl', '中转地址须以 https:// 或 http:// 开头'],
    [{ relayUrl: 'https://bad host.com' }, 'relayUrl', '中转地址格式不正确'],
    [{ token: 'has space' }, 'token', '访问令牌不能包含空格或换行'],
    [{ model: '  ' }, 'model', '请选择或填写模型'],
    [{ systemPrompt: '长'.repeat(4001) }, 'systemPrompt', '系统提示词不能超过 4000 字'],
    [{ temperature: -0.1 }, 'temperature', '温度须是 0 到 2 之间的数字'],
    [{ temperature: 2.5 }, 'temperature', '温度须是 0 到 2 之间的数字'],
    [{ temperature: Number.NaN }, 'temperature', '温度须是 0 到 2 之间的数字'],
    [{ maxMessages: 3.5 }, 'maxMessages', '历史消息条数须是 0 到 100 之间的整数'],
    [{ maxMessages: 101 }, 'maxMessages', '历史消息条数须是 0 到 100 之间的整数'],
  ])('%p → %s error', (patch, field, message) => {
    const result = validateSettings({ ...valid, ...patch })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors[field]).toBe(message)
      expect(Object.keys(result.errors)).toEqual([field])
    }
  })

  test('reports every bad field at once', () => {
    const result = validateSettings({ ...valid, relayUrl: '', model: '', temperature: 3 })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['model', 'relayUrl', 'temperature'])
  })

  test.each([
    ['https://a.com/', 'https://a.com'],
    ['https://a.com/v1', 'https://a.com'],
    ['https://a.com/v1/models', 'https://a.com'],
    ['https://a.com/proxy/v1/chat/completions', 'https://a.com/proxy'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
  ])('normalizeRelayUrl(%s) = %s', (input, expected) => {
    expect(normalizeRelayUrl(input)).toBe(expected)
  })
})
