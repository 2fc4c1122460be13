import {
  createWxRequestDouble,
  installWx,
  splitBody,
  WX_STORAGE_KEY_LIMIT,
  type WxResponse,
} from '../support/wx-request-double'

type Event = [string, unknown]

/** Runs one request through the double, recording every callback in order. */
function record(response: WxResponse, options: Partial<WechatMiniprogram.RequestOption> = {}) {
  const double = createWxRequestDouble(() => response)
  const events: Event[] = []
  const finished = new Promise<void>((resolve) => {
    const task = double.request({
      url: 'http://127.0.0.1/x',
      method: 'POST',
      enableChunked: true,
      responseType: 'arraybuffer',
      ...options,
      success: (res) => events.push(['success', res]),
      fail: (err) => events.push(['fail', err]),
      complete: () => resolve(),
    })
    task.onHeadersReceived((res) => events.push(['headers', res]))
    task.onChunkReceived((res) => events.push(['chunk', res.data]))
  })
  return { double, events, finished }
}

const text = (data: unknown) => Buffer.from(data as ArrayBuffer).toString('utf8')

describe('wx.request double', () => {
  test('chunks mode: headers, ArrayBuffer chunks that rebuild the body, then success with empty data', async () => {
    const body = '中文😊 data: {"a":1}\n\n'.repeat(20)
    const { events, finished } = await record({ body, chunkSizes: 'random', seed: 3 })
    await finished
    expect(events[0]![0]).toBe('headers')
    expect(events[0]![1]).toMatchObject({
      statusCode: 200,
      header: { 'Content-Type': expect.stringContaining('event-stream') },
    })
    const chunks = events.filter((e) => e[0] === 'chunk').map((e) => e[1] as ArrayBuffer)
    expect(chunks.length).toBeGreaterThan(5)
    for (const chunk of chunks) expect(chunk).toBeInstanceOf(ArrayBuffer)
    expect(Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8')).toBe(body)
    const last = events[events.length - 1]!
    expect(last[0]).toBe('success')
    expect((last[1] as { data: ArrayBuffer }).data.byteLength).toBe(0)
  })

  test('no-chunks mode (and no enableChunked): the whole body in success', async () => {
    for (const [response, options] of [
      [{ body: 'whole', mode: 'no-chunks' }, {}],
      [{ body: 'whole' }, { enableChunked: false }],
    ] as const) {
      const { events, finished } = record(response, options)
      await finished
      expect(events.map((e) => e[0])).toEqual(['headers', 'success'])
      expect(text((events[1]![1] as { data: ArrayBuffer }).data)).toBe('whole')
    }
  })

  test('merged mode halves the chunk count', () => {
    const bytes = new Uint8Array(100)
    expect(splitBody(bytes, { body: bytes, chunkSizes: 10 })).toHaveLength(10)
    expect(splitBody(bytes, { body: bytes, chunkSizes: 10, mode: 'merged' })).toHaveLength(5)
  })

  test('default dataType json parses a text response', async () => {
    const { events, finished } = record(
      { body: '{"a":1}', status: 200 },
      { enableChunked: false, responseType: 'text' },
    )
    await finished
    expect((events[1]![1] as { data: unknown }).data).toEqual({ a: 1 })
  })

  test('fail after N chunks, with the given errMsg', async () => {
    const { events, finished } = record({
      body: 'x'.repeat(50),
      chunkSizes: 10,
      failAfter: 2,
      errMsg: 'request:fail interrupted',
    })
    await finished
    expect(events.map((e) => e[0])).toEqual(['headers', 'chunk', 'chunk', 'fail'])
    expect(events[3]![1]).toMatchObject({ errMsg: 'request:fail interrupted' })
  })

  test('abort stops delivery and fails with request:fail abort', async () => {
    const double = createWxRequestDouble(() => ({ body: 'x'.repeat(100), chunkSizes: 10, delayMs: 5 }))
    const events: string[] = []
    await new Promise<void>((resolve) => {
      const task = double.request({
        url: 'http://127.0.0.1/x',
        enableChunked: true,
        fail: (err) => events.push(err.errMsg),
        success: () => events.push('success'),
        complete: () => resolve(),
      })
      task.onChunkReceived(() => {
        events.push('chunk')
        if (events.length === 2) task.abort()
      })
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(events).toEqual(['chunk', 'chunk', 'request:fail abort'])
    expect(double.calls[0]!.aborted).toBe(true)
  })

  test('a stalled request fails with request:fail timeout after options.timeout', async () => {
    const { events, finished } = record({ body: 'abc', stallAfter: 0 }, { timeout: 20 })
    await finished
    expect(events.map((e) => e[0])).toEqual(['headers', 'fail'])
    expect(events[1]![1]).toMatchObject({ errMsg: 'request:fail timeout' })
  })

  test('DevTools mode omits statusCode from the headers event', async () => {
    const { events, finished } = record({ body: 'a', omitHeaderStatus: true })
    await finished
    expect(events[0]![1]).not.toHaveProperty('statusCode')
  })
})

describe('installWx storage', () => {
  test('round-trips values as copies; missing keys read as empty string', () => {
    const installed = installWx()
    try {
      const value = { a: [1, '中'] }
      wx.setStorageSync('k', value)
      value.a.push(2)
      expect(wx.getStorageSync('k')).toEqual({ a: [1, '中'] })
      expect(wx.getStorageSync('missing')).toBe('')
      expect(wx.getStorageInfoSync().keys).toEqual(['k'])
      wx.removeStorageSync('k')
      expect(installed.storage.size).toBe(0)
    } finally {
      installed.uninstall()
    }
    expect((globalThis as { wx?: unknown }).wx).toBeUndefined()
  })

  test('enforces 1 MB per key and 10 MB in total, like WeChat', () => {
    const installed = installWx()
    try {
      expect(() => wx.setStorageSync('big', 'x'.repeat(WX_STORAGE_KEY_LIMIT))).toThrow('entry size limit')
      expect(installed.storage.has('big')).toBe(false)
      const chunk = 'y'.repeat(1000 * 1000)
      for (let i = 0; i < 10; i++) wx.setStorageSync(`k${i}`, chunk)
      expect(() => wx.setStorageSync('k10', chunk)).toThrow('exceed storage max size 10MB')
      // Overwriting an existing key counts its new size only.
      expect(() => wx.setStorageSync('k0', 'small')).not.toThrow()
      expect(wx.getStorageInfoSync().currentSize).toBeGreaterThan(8000)
    } finally {
      installed.uninstall()
    }
  })

  test('records no-op APIs and calls their success callback', async () => {
    const installed = installWx()
    try {
      const code = await new Promise((resolve) => wx.login({ success: (res) => resolve(res.code) }))
      expect(code).toBe('test-code')
      wx.showToast({ title: '已复制' })
      expect(installed.recorded.showToast).toEqual([{ title: '已复制' }])
    } finally {
      installed.uninstall()
    }
  })
})
