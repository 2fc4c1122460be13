/**
 * Photos in chat over real sockets: `upload://` parts become the upload's bytes as a `data:` URL in
 * what the upstream emulator receives; foreign, expired and unknown ids, other URL schemes and
 * models without vision are refused; older photos beyond RELAY_CONTEXT_IMAGES become "[图片]".
 */
import { sniffImage } from '../../relay/src/media/sniff'
import { makePng } from '../support/images'
import { startUpstreamEmulator, type UpstreamEmulator } from '../support/upstream-emulator'
import { chat, dataFrames, request, startTestRelay, type TestRelay } from './helpers'

const ALICE = { Authorization: 'Bearer alice-token' }
const BOB = { Authorization: 'Bearer bob-token' }

let upstream: UpstreamEmulator
let relay: TestRelay

beforeAll(async () => {
  upstream = await startUpstreamEmulator()
})
afterAll(() => upstream.close())
afterEach(() => relay?.close())

function startRelay(extra: Record<string, string> = {}): Promise<TestRelay> {
  return startTestRelay({
    UPSTREAM_BASE_URL: upstream.url,
    RELAY_MODELS: 'seer,text-only',
    RELAY_VISION_MODELS: 'seer',
    RELAY_TOKENS: 'alice-token,bob-token',
    ...extra,
  })
}

async function upload(png: Buffer, headers = ALICE): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'photo.png')
  const res = await fetch(`${relay.url}/v1/uploads`, { method: 'POST', body: form, headers })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: string }).id
}

const photo = (id: string) => ({ type: 'image_url', image_url: { url: `upload://${id}` } })

function question(text: string, ...ids: string[]) {
  return { role: 'user', content: [{ type: 'text', text }, ...ids.map(photo)] }
}

function errorCode(text: string): string | undefined {
  return (JSON.parse(text) as { error?: { code?: string } }).error?.code
}

/** The JSON body the upstream emulator received last. */
function lastUpstreamBody(): { messages: Array<{ role: string; content: unknown }> } {
  const rec = upstream.requests.at(-1)
  if (!rec?.json) throw new Error('the upstream got no JSON request')
  return rec.json as { messages: Array<{ role: string; content: unknown }> }
}

test('an upload:// part reaches the upstream as the very bytes uploaded, in a data: URL', async () => {
  relay = await startRelay()
  const png = makePng(37, 23)
  const id = await upload(png)
  const before = upstream.requests.length
  const res = await chat(
    relay.url,
    { model: 'seer', stream: true, messages: [question('这是什么？', id)] },
    ALICE,
  )
  expect(res.status).toBe(200)
  expect(dataFrames(res.text).at(-1)).toBe('[DONE]')
  expect(upstream.requests.length).toBe(before + 1)
  const content = lastUpstreamBody().messages[0]?.content as Array<{
    type: string
    text?: string
    image_url?: { url: string }
  }>
  expect(content[0]).toEqual({ type: 'text', text: '这是什么？' })
  const url = content[1]?.image_url?.url ?? ''
  expect(url.startsWith('data:image/png;base64,')).toBe(true)
  const bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')
  expect(bytes.equals(png)).toBe(true)
  expect(sniffImage(bytes)).toEqual({ type: 'image/png', width: 37, height: 23 })
})

test("another caller's upload, an unknown id and an expired one are all upload_not_found; nothing goes upstream", async () => {
  relay = await startRelay({ RELAY_UPLOAD_TTL_MS: '1000' })
  const alices = await upload(makePng(4, 4))
  const before = upstream.requests.length
  for (const [id, who] of [
    [alices, BOB],
    ['AAAAAAAAAAAAAAAA', ALICE],
    ['not an id!', ALICE],
  ] as const) {
    const res = await chat(relay.url, { model: 'seer', messages: [question('看看', id)] }, who)
    expect(res.status).toBe(400)
    expect(errorCode(res.text)).toBe('upload_not_found')
  }
  // The TTL is the relay's clock: wait it out for real.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const expired = await chat(relay.url, { model: 'seer', messages: [question('看看', alices)] }, ALICE)
  expect(expired.status).toBe(400)
  expect(errorCode(expired.text)).toBe('upload_not_found')
  expect(upstream.requests.length).toBe(before)
})

test('any other image URL (http, https, data, file) is unsupported_image_url: the relay fetches nothing', async () => {
  relay = await startRelay()
  for (const url of [
    `${upstream.url}/models`,
    'https://example.com/cat.png',
    `data:image/png;base64,${makePng(2, 2).toString('base64')}`,
    'file:///etc/passwd',
  ]) {
    const before = upstream.requests.length
    const res = await chat(
      relay.url,
      {
        model: 'seer',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }],
      },
      ALICE,
    )
    expect(res.status).toBe(400)
    expect(errorCode(res.text)).toBe('unsupported_image_url')
    expect(upstream.requests.length).toBe(before)
  }
})

test('a model without vision refuses a new photo, and gets earlier photos as "[图片]"', async () => {
  relay = await startRelay()
  const id = await upload(makePng(8, 8))
  const refused = await chat(relay.url, { model: 'text-only', messages: [question('看', id)] }, ALICE)
  expect(refused.status).toBe(400)
  expect(errorCode(refused.text)).toBe('vision_not_supported')
  const res = await chat(
    relay.url,
    {
      model: 'text-only',
      stream: false,
      messages: [
        question('这是什么？', id),
        { role: 'assistant', content: '一张图' },
        { role: 'user', content: '再说说' },
      ],
    },
    ALICE,
  )
  expect(res.status).toBe(200)
  expect(lastUpstreamBody().messages).toEqual([
    { role: 'user', content: '这是什么？ [图片]' },
    { role: 'assistant', content: '一张图' },
    { role: 'user', content: '再说说' },
  ])
})

test('only the newest RELAY_CONTEXT_IMAGES photos go as images; older ones become "[图片]" and may have expired', async () => {
  relay = await startRelay({ RELAY_CONTEXT_IMAGES: '2' })
  const [a, b, c] = [await upload(makePng(1, 1)), await upload(makePng(2, 2)), await upload(makePng(3, 3))]
  const res = await chat(
    relay.url,
    {
      model: 'seer',
      stream: false,
      messages: [
        // An id the relay never had: old enough to be left out, so it does not matter.
        question('第一张', 'AAAAAAAAAAAAAAAA', a),
        { role: 'assistant', content: '好的' },
        question('后两张', b, c),
      ],
    },
    ALICE,
  )
  expect(res.status).toBe(200)
  const [first, , last] = lastUpstreamBody().messages
  expect(first?.content).toBe('第一张 [图片] [图片]')
  const parts = last?.content as Array<{ type: string; image_url?: { url: string } }>
  const sizes = parts
    .filter((p) => p.type === 'image_url')
    .map((p) => sniffImage(Buffer.from(p.image_url?.url.split(',')[1] ?? '', 'base64'))?.width)
  expect(sizes).toEqual([2, 3])
})

test('content parts are bounded, and image parts only in user messages', async () => {
  relay = await startRelay()
  const many = Array.from({ length: 65 }, () => ({ type: 'text', text: 'x' }))
  const tooMany = await chat(relay.url, { model: 'seer', messages: [{ role: 'user', content: many }] }, ALICE)
  expect(tooMany.status).toBe(400)
  expect(errorCode(tooMany.text)).toBe('invalid_messages')
  const id = await upload(makePng(2, 2))
  const asAssistant = await chat(
    relay.url,
    { model: 'seer', messages: [{ role: 'assistant', content: [photo(id)] }, question('hi')] },
    ALICE,
  )
  expect(asAssistant.status).toBe(400)
  expect(errorCode(asAssistant.text)).toBe('invalid_messages')
})

test('/v1/models marks vision models, the demo always', async () => {
  relay = await startRelay()
  const res = await request(`${relay.url}/v1/models`, { headers: ALICE })
  const models = JSON.parse(res.text) as { data: Array<{ id: string; vision?: boolean }> }
  expect(models.data.map((m) => [m.id, m.vision === true])).toEqual([
    ['seer', true],
    ['text-only', false],
  ])
  await relay.close()
  relay = await startTestRelay({})
  const demo = JSON.parse((await request(`${relay.url}/v1/models`)).text) as {
    data: Array<{ vision?: boolean }>
  }
  expect(demo.data[0]?.vision).toBe(true)
})

test('the demo states each image its size in pixels, bytes and type, and that it cannot see them', async () => {
  relay = await startTestRelay({})
  const form = new FormData()
  const png = makePng(37, 23)
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png')
  const up = (await (await fetch(`${relay.url}/v1/uploads`, { method: 'POST', body: form })).json()) as {
    id: string
  }
  const res = await chat(relay.url, {
    model: 'demo',
    stream: false,
    messages: [question('这是什么？', up.id)],
  })
  expect(res.status).toBe(200)
  const answer = (JSON.parse(res.text) as { choices: Array<{ message: { content: string } }> }).choices[0]
    ?.message.content
  expect(answer).toContain('收到 1 张图片')
  expect(answer).toContain(`37×23 像素，PNG，${png.length} 字节`)
  expect(answer).toContain('看不到图片里的内容')
})
