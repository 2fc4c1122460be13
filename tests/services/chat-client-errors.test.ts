import { loadTranscript, runRequest, terminal } from './chat-client-helpers'

const relayError = (message: string, code: string, type = 'invalid_request_error') =>
  JSON.stringify({ error: { message, type, code } })

describe('startChatRequest: refused requests become one readable error', () => {
  const cases: Array<[number, string, string | RegExp]> = [
    [401, 'unauthorized', '访问令牌无效或已过期'],
    [403, 'unauthorized', '访问令牌无效或已过期'],
    [404, 'not_found', '中转地址错误'],
    [413, 'too_large', '消息太长'],
    [429, 'rate_limited', '请求太频繁，请稍后再试'],
    [500, 'server', 'HTTP 500'],
    [502, 'server', 'HTTP 502'],
    [503, 'server', 'HTTP 503'],
    [400, 'http', 'HTTP 400'],
  ]
  for (const mode of ['chunks', 'no-chunks', 'merged'] as const) {
    test.each(cases)(`HTTP %i → %s (${mode})`, async (status, code, message) => {
      const body = relayError('upstream said no', 'some_generic', 'invalid_request_error')
      const { updates } = await runRequest({ status, body, mode, chunkSizes: 5 })
      expect(updates).toHaveLength(1)
      const end = terminal(updates)
      expect(end).toMatchObject({ type: 'error', code, status })
      if (end.type === 'error') expect(end.message).toMatch(message)
    })
  }

  test('429 with Retry-After says how long to wait', async () => {
    const { updates } = await runRequest({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '17' },
      body: relayError('Too many requests', 'rate_limit_exceeded'),
    })
    expect(terminal(updates)).toEqual({
      type: 'error',
      code: 'rate_limited',
      status: 429,
      message: '请求太频繁，请 17 秒后再试',
    })
  })

  test('a relay code beyond the status is passed through with its Chinese message', async () => {
    const { updates } = await runRequest({
      status: 400,
      body: relayError('内容包含不安全信息，无法回答', 'content_blocked'),
    })
    expect(terminal(updates)).toEqual({
      type: 'error',
      code: 'content_blocked',
      status: 400,
      message: '内容包含不安全信息，无法回答',
    })
  })

  test('quota_exceeded with an English message falls back to a Chinese one', async () => {
    const { updates } = await runRequest({
      status: 429,
      body: relayError('Quota exceeded', 'quota_exceeded'),
    })
    expect(terminal(updates)).toMatchObject({
      code: 'quota_exceeded',
      status: 429,
      message: '额度已用完，请稍后再试',
    })
  })

  test.each([
    [400, 'vision_not_supported', '不支持图片'],
    [400, 'upload_not_found', '图片已过期'],
    [408, 'request_timeout', '请求发送太慢'],
    [404, 'generation_not_found', '回答已过期'],
  ])('HTTP %i %s keeps its code and reads in Chinese', async (status, code, message) => {
    const { updates } = await runRequest({ status, body: relayError('English detail', code) })
    const end = terminal(updates)
    expect(end).toMatchObject({ type: 'error', code, status })
    if (end.type === 'error') expect(end.message).toContain(message)
  })

  test('401 stays unauthorized even with a specific relay code (login retries on it)', async () => {
    const { updates } = await runRequest({ status: 401, body: relayError('bad token', 'token_expired') })
    expect(terminal(updates)).toMatchObject({ code: 'unauthorized', status: 401 })
  })

  test('an unreadable error body (HTML from a proxy) still maps by status', async () => {
    const { updates } = await runRequest({
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html><body>502 Bad Gateway</body></html>',
    })
    expect(terminal(updates)).toMatchObject({ code: 'server', status: 502 })
  })

  test('DevTools: status missing from headers, non-2xx known only at success', async () => {
    const { updates } = await runRequest({
      status: 404,
      omitHeaderStatus: true,
      headers: {},
      body: relayError('Not found', 'not_found'),
    })
    expect(terminal(updates)).toMatchObject({ code: 'not_found', status: 404 })
  })

  test('a 200 JSON error instead of an event stream is one error', async () => {
    const { updates } = await runRequest({
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: relayError('模型不存在', 'model_not_found'),
    })
    expect(updates).toEqual([{ type: 'error', code: 'model_not_found', message: '模型不存在', status: 200 }])
  })

  test('a relay 5xx with a Chinese message shows it with the status', async () => {
    const { updates } = await runRequest({
      status: 503,
      body: relayError('上游模型维护中，请稍后再试', 'upstream_unreachable'),
    })
    expect(terminal(updates)).toEqual({
      type: 'error',
      code: 'server',
      status: 503,
      message: '上游模型维护中，请稍后再试（HTTP 503）',
    })
  })

  test('seccheck_unavailable keeps its code, so the page treats it like content_blocked', async () => {
    const { updates } = await runRequest({
      status: 503,
      body: relayError('content security is unavailable', 'seccheck_unavailable'),
    })
    expect(terminal(updates)).toEqual({
      type: 'error',
      code: 'seccheck_unavailable',
      status: 503,
      message: '内容安全检查暂时不可用，请稍后再试',
    })
  })

  test('an English error frame mid-stream reaches the page in Chinese, keeping its code', async () => {
    const frame = 'data: {"error":{"message":"upstream went silent","code":"upstream_timeout"}}\n\n'
    const body = `data: {"choices":[{"delta":{"content":"半句话"}}]}\n\n${frame}`
    const { updates } = await runRequest({ body })
    expect(terminal(updates)).toEqual({
      type: 'error',
      code: 'upstream_timeout',
      message: '上游模型长时间没有响应，回答中断',
    })
  })

  test('an unknown English error reads as the generic Chinese text', async () => {
    const body = 'data: {"error":{"message":"Something odd happened","code":"odd_thing"}}\n\n'
    const { updates } = await runRequest({ body })
    expect(terminal(updates)).toEqual({ type: 'error', code: 'odd_thing', message: '服务出错，请稍后重试' })
  })

  test('a 400 with an English relay message says so after a Chinese label', async () => {
    const { updates } = await runRequest({
      status: 400,
      body: relayError('messages must not be empty', 'invalid_request'),
    })
    expect(terminal(updates)).toEqual({
      type: 'error',
      code: 'http',
      status: 400,
      message: '请求失败（HTTP 400）：messages must not be empty',
    })
  })

  test('a 200 HTML page (captive portal) is bad_response', async () => {
    const { updates } = await runRequest({
      status: 200,
      headers: { 'Content-Type': 'text/html' },
      body: '<html>请登录 Wi-Fi</html>',
    })
    expect(terminal(updates)).toMatchObject({ type: 'error', code: 'bad_response' })
  })
})

describe('startChatRequest: failures, abort and timeouts', () => {
  const body = loadTranscript('openai-basic')

  test.each([
    ['request:fail timeout', 'timeout'],
    ['request:fail interrupted', 'background'],
    ['request:fail net::ERR_CONNECTION_REFUSED', 'network'],
    ['request:fail ssl hand shake error', 'network'],
    ['request:fail url not in domain list', 'network'],
  ])('fail %s → %s', async (errMsg, code) => {
    const { updates } = await runRequest({ body, errMsg })
    expect(updates).toHaveLength(1)
    expect(terminal(updates)).toMatchObject({ type: 'error', code })
  })

  test('a fail mid-stream keeps the deltas and ends with one error', async () => {
    const { updates } = await runRequest({ body, chunkSizes: 200, failAfter: 5, errMsg: 'request:fail' })
    expect(updates.filter((u) => u.type === 'delta').length).toBeGreaterThan(0)
    expect(terminal(updates)).toMatchObject({ type: 'error', code: 'network' })
  })

  test('any fail after the app went to the background is background', async () => {
    const { updates } = await runRequest(
      { body, chunkSizes: 100, delayMs: 5, failAfter: 10, errMsg: 'request:fail' },
      {},
      (_handle, installed) => setTimeout(() => installed.hideApp(), 15),
    )
    expect(terminal(updates)).toMatchObject({ type: 'error', code: 'background' })
  })

  test('abort: one "已停止生成", no later updates, the task is aborted', async () => {
    const { updates, double } = await runRequest(
      { body, chunkSizes: 50, delayMs: 2 },
      {},
      (handle, _i, seen) => {
        const timer = setInterval(() => {
          if (seen.length >= 2) {
            clearInterval(timer)
            handle.abort()
            handle.abort()
          }
        }, 1)
      },
    )
    expect(terminal(updates)).toEqual({ type: 'error', code: 'aborted', message: '已停止生成' })
    expect(double.calls[0]!.aborted).toBe(true)
    expect(double.calls[0]!.task.chunkListeners).toBe(0)
  })

  test('abort after the end changes nothing', async () => {
    let handle!: { abort(): void }
    const { updates, double } = await runRequest({ body }, {}, (h) => (handle = h))
    handle.abort()
    expect(terminal(updates)).toMatchObject({ type: 'done' })
    expect(double.calls[0]!.aborted).toBe(false)
  })

  test('first-byte timeout when headers come but no byte', async () => {
    const { updates, double } = await runRequest({ body, stallAfter: 0 }, { firstByteTimeoutMs: 40 })
    expect(updates).toEqual([{ type: 'error', code: 'first_byte_timeout', message: expect.any(String) }])
    expect(double.calls[0]!.aborted).toBe(true)
  })

  test('first-byte timeout when nothing at all comes', async () => {
    const { updates } = await runRequest({ body, stallBeforeHeaders: true }, { firstByteTimeoutMs: 30 })
    expect(terminal(updates)).toMatchObject({ code: 'first_byte_timeout' })
  })

  test('idle timeout after some text, keeping the text', async () => {
    const { updates, double } = await runRequest(
      { body, chunkSizes: 400, stallAfter: 4 },
      { idleTimeoutMs: 40 },
    )
    expect(updates.filter((u) => u.type === 'delta').length).toBeGreaterThan(0)
    expect(terminal(updates)).toMatchObject({ code: 'idle_timeout' })
    expect(double.calls[0]!.aborted).toBe(true)
  })

  test('slow but steady chunks never trip the idle timeout', async () => {
    const { updates } = await runRequest(
      { body, chunkSizes: 1500, delayMs: 15 },
      { idleTimeoutMs: 60, firstByteTimeoutMs: 60 },
    )
    expect(terminal(updates)).toMatchObject({ type: 'done' })
  })

  test('the wx.request timeout option is passed and reported as timeout', async () => {
    const { updates, double } = await runRequest(
      { body, stallAfter: 1 },
      { timeoutMs: 50, idleTimeoutMs: 10_000 },
    )
    expect(double.calls[0]!.options.timeout).toBe(50)
    expect(terminal(updates)).toMatchObject({ code: 'timeout' })
  })
})
