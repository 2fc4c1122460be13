/** @jest-environment jsdom */
/**
 * Photos and voice on the chat page with the official compiler: 📷 (pick, downscale, thumbnails,
 * upload, the vision request) and hold-to-talk 🎤 (permission, length limits, transcription), with
 * wx doubles that answer as WeChat does (tests/support/wx-media-double.ts).
 */
import { all, find, sleep, tap, textOf, unmountAll, waitFor } from '../support/simulate'
import { createMediaDouble, type MediaDouble } from '../support/wx-media-double'
import { type ChatWorld, createWorld, lastStatus, mountChat, sendText, settled } from './chat-harness'

jest.setTimeout(60_000)

let world: ChatWorld
let media: MediaDouble
afterEach(() => {
  unmountAll()
  world.wx.uninstall()
})

function setUp(): ReturnType<typeof mountChat> {
  media = createMediaDouble()
  world = createWorld(media.wx)
  return mountChat()
}

function thumbs(page: ReturnType<typeof mountChat>): number {
  return all(page, '.chat-input >>> .thumb').length
}

describe('📷 photos', () => {
  test('picked photos are downscaled, shown, removable, uploaded as files and sent as upload:// parts', async () => {
    const page = setUp()
    media.nextPick = [
      { width: 4000, height: 3000, bytes: 3_000_000 },
      { width: 800, height: 600, bytes: 90_000 },
    ]
    media.uploads.set('/v1/uploads', [
      { status: 201, body: { id: 'up_first', type: 'image/jpeg', width: 1536, height: 1152, bytes: 1 } },
      { status: 201, body: { id: 'up_second', type: 'image/jpeg', width: 800, height: 600, bytes: 1 } },
    ])
    tap(page, '.chat-input >>> .attach')
    await waitFor(() => thumbs(page) === 2, 'two thumbnails')
    expect(media.compressed).toEqual([
      { width: 1536, height: 1152, quality: 80 },
      { width: 800, height: 600, quality: 80 },
    ])
    media.nextPick = [{ width: 100, height: 100, bytes: 5000 }]
    tap(page, '.chat-input >>> .attach')
    await waitFor(() => thumbs(page) === 3, 'a third')
    const third = (page.data.attachments as string[])[2]
    tap(page, '.chat-input >>> .thumb-remove')
    await sleep(10)
    // The first was removed (its file too); the others stay.
    expect(thumbs(page)).toBe(2)
    expect(media.files.has(third as string)).toBe(true)
    await sendText(page, '这两张图里有什么？')
    await settled(page)
    expect(media.uploaded.map((u) => [u.path, u.name])).toEqual([
      ['/v1/uploads', 'file'],
      ['/v1/uploads', 'file'],
    ])
    const sent = world.chatCalls()[0]?.json as { messages: { role: string; content: unknown }[] }
    expect(sent.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: '这两张图里有什么？' },
        { type: 'image_url', image_url: { url: 'upload://up_first' } },
        { type: 'image_url', image_url: { url: 'upload://up_second' } },
      ],
    })
    expect(all(page, '.chat-message >>> .photo')).toHaveLength(2)
    expect(thumbs(page)).toBe(0)
    const stored = [...world.wx.storage.values()].join('')
    expect(stored).toContain('up_first')
    expect(stored).not.toMatch(/data:image|base64/)
  })

  test('a cancelled picker changes nothing and says nothing', async () => {
    const page = setUp()
    media.nextPick = 'cancel'
    tap(page, '.chat-input >>> .attach')
    await sleep(30)
    expect(thumbs(page)).toBe(0)
    expect(world.wx.recorded.showToast).toBeUndefined()
  })

  test('a photo the relay refuses as too large fails the answer in Chinese; 重试 uploads again', async () => {
    const page = setUp()
    media.nextPick = [{ width: 3000, height: 3000, bytes: 4_000_000 }]
    media.uploads.set('/v1/uploads', [
      {
        status: 413,
        body: { error: { message: 'Upload exceeds 10485760 bytes', code: 'upload_too_large' } },
      },
      { fail: 'uploadFile:fail network' },
      { status: 201, body: { id: 'up_ok', type: 'image/jpeg', width: 1536, height: 1536, bytes: 1 } },
    ])
    tap(page, '.chat-input >>> .attach')
    await waitFor(() => thumbs(page) === 1, 'a thumbnail')
    await sendText(page, '看图')
    await settled(page)
    expect(lastStatus(page)).toBe('error')
    expect(textOf(page, '.chat-message >>> .error-text')).toBe('图片太大，无法上传')
    expect(world.chatCalls()).toHaveLength(0)
    tap(page, '.message-actions >>> .action-retry')
    await waitFor(() => media.uploaded.length === 2, 'the second upload')
    await settled(page)
    expect(textOf(page, '.chat-message >>> .error-text')).toBe('图片上传失败，请检查网络后重试')
    tap(page, '.message-actions >>> .action-retry')
    await waitFor(() => media.uploaded.length === 3, 'the third upload')
    await settled(page)
    expect(lastStatus(page)).toBe('done')
    expect(JSON.stringify(world.chatCalls()[0]?.json)).toContain('upload://up_ok')
  })

  test('a model without vision offers no 📷', async () => {
    media = createMediaDouble()
    world = createWorld(media.wx)
    world.wx.storage.set('settings', JSON.stringify({ model: 'text-only' }))
    const page = mountChat()
    expect(find(page, '.chat-input >>> .attach')).toBeUndefined()
    expect(find(page, '.chat-input >>> .voice-button')).toBeTruthy()
  })
})

describe('🎤 hold to talk', () => {
  async function holdFor(page: ReturnType<typeof mountChat>, options: { slideUp?: number } = {}) {
    const button = find(page, '.chat-input >>> .voice-button >>> .voice')
    if (!button) throw new Error('no 🎤')
    button.dispatchEvent('touchstart', { touches: [{ x: 20, y: 600 }] })
    await sleep(20)
    if (options.slideUp) button.dispatchEvent('touchmove', { touches: [{ x: 20, y: 600 - options.slideUp }] })
    await sleep(20)
    button.dispatchEvent('touchend', {})
    await sleep(30)
  }

  function draft(page: ReturnType<typeof mountChat>): string {
    return find(page, '.chat-input')?.data.draft ?? ''
  }

  test('a recording is transcribed into the input box for editing, never sent by itself', async () => {
    const page = setUp()
    media.uploads.set('/v1/audio/transcriptions', [{ status: 200, body: { text: '明天天气怎么样' } }])
    find(page, '.chat-input >>> .input')?.dispatchEvent('input', { detail: { value: '请问，' } })
    await sleep(10)
    await holdFor(page)
    await waitFor(() => draft(page) === '请问，明天天气怎么样', 'the transcript')
    const upload = media.uploaded[0]
    expect(upload).toMatchObject({
      path: '/v1/audio/transcriptions',
      name: 'file',
      formData: { model: 'whisper-1' },
    })
    expect(world.chatCalls()).toHaveLength(0)
  })

  test('sliding up cancels; a too-short press says so; neither uploads', async () => {
    const page = setUp()
    await holdFor(page, { slideUp: 120 })
    expect(media.recorder.started).toBe(1)
    media.nextRecording = { durationMs: 400 }
    await holdFor(page)
    await waitFor(() => (world.wx.recorded.showToast ?? []).length > 0, 'a toast')
    expect((world.wx.recorded.showToast as { title: string }[])[0]?.title).toBe('说话时间太短')
    expect(media.uploaded).toEqual([])
  })

  test('a 60-second recording (the limit) is still transcribed; a failed transcription says so', async () => {
    const page = setUp()
    media.nextRecording = { durationMs: 60_000 }
    media.uploads.set('/v1/audio/transcriptions', [{ status: 500, body: { error: { message: 'asr down' } } }])
    await holdFor(page)
    await waitFor(() => (world.wx.recorded.showToast ?? []).length > 0, 'a toast')
    expect((world.wx.recorded.showToast as { title: string }[])[0]?.title).toBe('语音识别失败，请重试')
    expect(media.uploaded).toHaveLength(1)
    expect(draft(page)).toBe('')
  })

  test('a recording content security refused: the relay reason (or the code text) is shown, no transcript', async () => {
    const page = setUp()
    media.uploads.set('/v1/audio/transcriptions', [
      {
        status: 400,
        body: { error: { code: 'content_blocked', message: '这段语音未通过内容安全检查，请重新录制' } },
      },
      { status: 400, body: { error: { code: 'content_blocked', message: 'blocked' } } },
    ])
    await holdFor(page)
    await waitFor(() => (world.wx.recorded.showToast ?? []).length > 0, 'a toast')
    await holdFor(page)
    await waitFor(() => (world.wx.recorded.showToast ?? []).length > 1, 'a second toast')
    const toasts = (world.wx.recorded.showToast as { title: string }[]).map((t) => t.title)
    expect(toasts).toEqual(['这段语音未通过内容安全检查，请重新录制', '内容未通过安全检查'])
    expect(draft(page)).toBe('')
  })

  test('a microphone refused earlier: no recording, the way to 设置 is offered', async () => {
    const page = setUp()
    media.microphone = 'refused'
    await holdFor(page)
    await waitFor(() => (world.wx.recorded.showModal ?? []).length > 0, 'the explanation')
    expect(world.wx.recorded.showModal).toEqual([
      expect.objectContaining({ title: '需要麦克风权限', confirmText: '去设置' }),
    ])
    expect(media.recorder.started).toBe(0)
  })

  test('the microphone asked for the first time and denied: a clear message, no recording', async () => {
    const page = setUp()
    media.microphone = 'ask'
    media.answer = 'deny'
    await holdFor(page)
    await waitFor(() => (world.wx.recorded.showToast ?? []).length > 0, 'a toast')
    expect((world.wx.recorded.showToast as { title: string }[])[0]?.title).toBe('未获得麦克风权限，无法录音')
    expect(media.recorder.started).toBe(0)
  })
})
