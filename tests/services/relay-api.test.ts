import { fetchModels, testConnection } from '../../miniprogram/services/relay-api'
import { createWxRequestDouble, installWx, type WxResponse } from '../support/wx-request-double'

const json = (status: number, body: unknown): WxResponse => ({
  status,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

const models = { object: 'list', data: [{ id: 'demo' }, { id: 'deepseek-chat' }, { id: 'demo' }] }

function withRoutes(routes: Record<string, WxResponse | { errMsg: string }>) {
  const double = createWxRequestDouble((options) => {
    const path = new URL(options.url).pathname
    const route = routes[path]
    if (!route) return json(404, { error: { message: 'Not found', code: 'not_found' } })
    return 'body' in route ? route : { body: '', errMsg: route.errMsg }
  })
  const installed = installWx({ request: double.request })
  return { double, installed }
}

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

describe('fetchModels', () => {
  test('lists ids in order without duplicates, sending the token', async () => {
    const { double, installed } = withRoutes({ '/v1/models': json(200, models) })
    cleanup = installed.uninstall
    await expect(fetchModels('https://relay.example.com/', 'tok')).resolves.toEqual(['demo', 'deepseek-chat'])
    expect(double.calls[0]!.options).toMatchObject({
      url: 'https://relay.example.com/v1/models',
      method: 'GET',
      header: { Authorization: 'Bearer tok' },
    })
  })

  test('no token → no Authorization header', async () => {
    const { double, installed } = withRoutes({ '/v1/models': json(200, models) })
    cleanup = installed.uninstall
    await fetchModels('https://relay.example.com', '')
    expect(double.calls[0]!.options.header).not.toHaveProperty('Authorization')
  })

  test('401 rejects with the token message and code', async () => {
    const { installed } = withRoutes({
      '/v1/models': json(401, { error: { message: 'bad', code: 'invalid_token' } }),
    })
    cleanup = installed.uninstall
    await expect(fetchModels('https://r.example.com', 'x')).rejects.toMatchObject({
      message: expect.stringContaining('访问令牌无效'),
      code: 'unauthorized',
      status: 401,
    })
  })

  test('a body that is not a model list is bad_response', async () => {
    const { installed } = withRoutes({
      '/v1/models': { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>' },
    })
    cleanup = installed.uninstall
    await expect(fetchModels('https://r.example.com', '')).rejects.toThrow('服务返回了无法识别的内容')
  })

  test('network failure rejects with a Chinese message', async () => {
    const { installed } = withRoutes({ '/v1/models': { errMsg: 'request:fail timeout' } })
    cleanup = installed.uninstall
    await expect(fetchModels('https://r.example.com', '')).rejects.toThrow('请求超时')
  })
})

describe('testConnection', () => {
  test('ok with the model count', async () => {
    const { installed } = withRoutes({ '/healthz': json(200, { ok: true }), '/v1/models': json(200, models) })
    cleanup = installed.uninstall
    await expect(testConnection('http://127.0.0.1:8787', '')).resolves.toEqual({
      ok: true,
      message: '连接成功，可用模型 2 个',
      models: ['demo', 'deepseek-chat'],
    })
  })

  test('a gateway without /healthz is still fine', async () => {
    const { installed } = withRoutes({ '/v1/models': json(200, models) })
    cleanup = installed.uninstall
    await expect(testConnection('https://gw.example.com', 'k')).resolves.toMatchObject({ ok: true })
  })

  test('unreachable relay', async () => {
    const { double, installed } = withRoutes({
      '/healthz': { errMsg: 'request:fail net::ERR_CONNECTION_REFUSED' },
    })
    cleanup = installed.uninstall
    const result = await testConnection('http://127.0.0.1:1', '')
    expect(result).toEqual({ ok: false, message: '无法连接中转服务：网络连接失败，请检查网络后重试' })
    expect(double.calls).toHaveLength(1)
  })

  test('reachable but the token is refused', async () => {
    const { installed } = withRoutes({
      '/healthz': json(200, { ok: true }),
      '/v1/models': json(401, { error: { message: 'Invalid bearer token', code: 'invalid_token' } }),
    })
    cleanup = installed.uninstall
    const result = await testConnection('https://r.example.com', 'wrong')
    expect(result.ok).toBe(false)
    expect(result.message).toMatch(/^已连接中转服务，但访问令牌无效/)
  })

  test('relay down (503 on /healthz)', async () => {
    const { installed } = withRoutes({ '/healthz': json(503, { error: { message: 'down' } }) })
    cleanup = installed.uninstall
    await expect(testConnection('https://r.example.com', '')).resolves.toEqual({
      ok: false,
      message: '中转服务暂时不可用（HTTP 503）',
    })
  })
})
