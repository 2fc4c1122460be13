/**
 * Photos and voice on the relay over real sockets: POST /v1/uploads (content sniffing, limits,
 * ownership) and POST /v1/audio/transcriptions (multipart parsed by busboy, limits, the demo, and a
 * real ASR upstream on loopback that checks what it got).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import busboy from 'busboy'
import { sniffImage } from '../../relay/src/media/sniff'
import { DEMO_TRANSCRIPT } from '../../relay/src/media/transcription'
import { createMemoryUploadStore } from '../../relay/src/media/upload-store'
import { jpegHead, makePng, makeWav } from '../support/images'
import { startTestRelay, type TestRelay } from './helpers'

const TOKEN = { Authorization: 'Bearer media-token' }

/** A JSON answer: an upload's facts, a transcript, or `{"error":{…}}`. */
interface Reply {
  status: number
  body: { error?: { code: string }; [field: string]: unknown }
}

async function postForm(
  url: string,
  form: FormData,
  headers: Record<string, string> = TOKEN,
): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', body: form, headers })
  return { status: res.status, body: (await res.json()) as Reply['body'] }
}

function fileForm(
  bytes: Buffer,
  filename: string,
  type: string,
  extra: Record<string, string> = {},
): FormData {
  const form = new FormData()
  for (const [k, v] of Object.entries(extra)) form.append(k, v)
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  return form
}

describe('sniffing', () => {
  test('JPEG, PNG and WebP by their bytes, with their size; anything else is not an image', () => {
    expect(sniffImage(makePng(37, 23))).toEqual({ type: 'image/png', width: 37, height: 23 })
    expect(sniffImage(jpegHead(1536, 1024))).toEqual({ type: 'image/jpeg', width: 1536, height: 1024 })
    const vp8x = Buffer.alloc(30)
    vp8x.write('RIFF', 0, 'latin1')
    vp8x.write('WEBPVP8X', 8, 'latin1')
    vp8x.writeUIntLE(639, 24, 3)
    vp8x.writeUIntLE(479, 27, 3)
    expect(sniffImage(vp8x)).toEqual({ type: 'image/webp', width: 640, height: 480 })
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff]))).toBeNull()
  })
})

describe('POST /v1/uploads', () => {
  let relay: TestRelay
  afterEach(() => relay?.close())

  test('an image is stored for its uploader and described by its bytes', async () => {
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token' })
    const res = await postForm(
      `${relay.url}/v1/uploads`,
      fileForm(makePng(37, 23), 'photo.jpg', 'image/jpeg'),
    )
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[\w-]{16}$/),
      type: 'image/png',
      width: 37,
      height: 23,
      bytes: expect.any(Number),
    })
  })

  test('bytes that are not an image are refused whatever the name says (415); no auth is 401', async () => {
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token' })
    const disguised = await postForm(
      `${relay.url}/v1/uploads`,
      fileForm(Buffer.from('#!/bin/sh\necho hi\n'), 'cat.png', 'image/png'),
    )
    expect(disguised.status).toBe(415)
    expect(disguised.body.error?.code).toBe('unsupported_image')
    expect(
      (await postForm(`${relay.url}/v1/uploads`, fileForm(makePng(2, 2), 'a.png', 'image/png'), {})).status,
    ).toBe(401)
  })

  test('over RELAY_MAX_UPLOAD_BYTES is a 413, and the relay is fine after', async () => {
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token', RELAY_MAX_UPLOAD_BYTES: '2048' })
    const big = Buffer.concat([makePng(8, 8), Buffer.alloc(4096)])
    const res = await postForm(`${relay.url}/v1/uploads`, fileForm(big, 'big.png', 'image/png'))
    expect(res.status).toBe(413)
    expect(
      (await postForm(`${relay.url}/v1/uploads`, fileForm(makePng(4, 4), 'ok.png', 'image/png'))).status,
    ).toBe(201)
  })

  test('not multipart is a 415; a missing file field is a 400', async () => {
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token' })
    const json = await fetch(`${relay.url}/v1/uploads`, {
      method: 'POST',
      headers: { ...TOKEN, 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(415)
    const noFile = new FormData()
    noFile.append('purpose', 'vision')
    expect((await postForm(`${relay.url}/v1/uploads`, noFile)).status).toBe(400)
  })
})

describe('the upload store', () => {
  test('expires uploads and keeps memory bounded, oldest first', async () => {
    let now = 1000
    const store = createMemoryUploadStore(250, () => now)
    const upload = (id: string, size: number) => ({
      id,
      owner: 'u',
      type: 'image/png' as const,
      width: 1,
      height: 1,
      bytes: size,
      data: Buffer.alloc(size),
      expiresAt: now + 5000,
    })
    await store.put(upload('a', 100))
    await store.put(upload('b', 100))
    await store.put(upload('c', 100))
    expect(await store.get('a')).toBeNull()
    expect((await store.get('b'))?.id).toBe('b')
    now += 6000
    expect(await store.get('b')).toBeNull()
  })
})

describe('POST /v1/audio/transcriptions', () => {
  let relay: TestRelay
  let asr: Server | undefined
  afterEach(async () => {
    await relay?.close()
    await new Promise((resolve) => (asr ? asr.close(resolve) : resolve(undefined)))
    asr = undefined
  })

  test('the demo answers a fixed transcript that says it is a demo', async () => {
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token' })
    const res = await postForm(
      `${relay.url}/v1/audio/transcriptions`,
      fileForm(makeWav(2), 'voice.wav', 'audio/wav', { model: 'whisper-1' }),
    )
    expect(res).toEqual({ status: 200, body: { text: DEMO_TRANSCRIPT } })
    expect(DEMO_TRANSCRIPT).toContain('演示')
  })

  test('a real ASR upstream gets the audio as OpenAI multipart with the relay key and configured model', async () => {
    const seen: { auth?: string; fields: Record<string, string>; file?: number } = { fields: {} }
    asr = createServer((req: IncomingMessage, res) => {
      seen.auth = req.headers.authorization
      const parser = busboy({ headers: req.headers })
      parser.on('field', (name, value) => {
        seen.fields[name] = value
      })
      parser.on('file', (_name, stream) => {
        let size = 0
        stream.on('data', (c: Buffer) => (size += c.length))
        stream.on('end', () => (seen.file = size))
      })
      parser.on('close', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ text: '今天天气怎么样' }))
      })
      req.pipe(parser)
    })
    await new Promise<void>((resolve) => asr?.listen(0, '127.0.0.1', resolve))
    const port = (asr.address() as AddressInfo).port
    relay = await startTestRelay({
      RELAY_TOKENS: 'media-token',
      RELAY_ASR_BASE_URL: `http://127.0.0.1:${port}/v1`,
      RELAY_ASR_API_KEY: 'sk-asr-secret',
      RELAY_ASR_MODEL: 'FunAudioLLM/SenseVoiceSmall',
    })
    const wav = makeWav(3)
    const res = await postForm(
      `${relay.url}/v1/audio/transcriptions`,
      fileForm(wav, 'voice.wav', 'audio/wav', { model: 'whisper-1', language: 'zh' }),
    )
    expect(res).toEqual({ status: 200, body: { text: '今天天气怎么样' } })
    expect(seen).toEqual({
      auth: 'Bearer sk-asr-secret',
      fields: { model: 'FunAudioLLM/SenseVoiceSmall', language: 'zh' },
      file: wav.length,
    })
  })

  test('malformed, oversize and too long recordings are refused with their reason', async () => {
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token', RELAY_MAX_AUDIO_BYTES: String(200 * 1024) })
    const url = `${relay.url}/v1/audio/transcriptions`
    const broken = await fetch(url, {
      method: 'POST',
      headers: { ...TOKEN, 'Content-Type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nnot finished',
    })
    expect(broken.status).toBe(400)
    expect((await postForm(url, fileForm(makeWav(10), 'long.wav', 'audio/wav'))).status).toBe(413)
    relay.close()
    relay = await startTestRelay({ RELAY_TOKENS: 'media-token' })
    const tooLong = await postForm(
      `${relay.url}/v1/audio/transcriptions`,
      fileForm(makeWav(90), 'long.wav', 'audio/wav'),
    )
    expect(tooLong.status).toBe(400)
    expect(tooLong.body.error?.code).toBe('audio_too_long')
  })
})
