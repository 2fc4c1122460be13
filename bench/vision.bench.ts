/**
 * A photo's price before the first answer text, content security off: a text-only question against
 * a question with one photo (its upload, then the chat request naming it; the relay reads the
 * upload and inlines it as a data: URL), both against the upstream emulator, interleaved in the same
 * run. Target (issue 17): the upload adds at most one round trip — so the image request's first
 * text comes no later than the text request's plus one upload round trip, with some slack.
 */
import { randomBytes } from 'node:crypto'
import { createRelay, loadConfig } from '../relay/src/index'
import { jpegHead } from '../tests/support/images'
import { startUpstreamEmulator } from '../tests/support/upstream-emulator'

const ROUNDS = Number(process.env.VISION_BENCH_ROUNDS ?? 30)
/** What the app uploads: a photo downscaled to 1,536 px on the long side, recompressed as JPEG (~250 KB). */
const PHOTO = Buffer.concat([jpegHead(1536, 1024), randomBytes(250 * 1024)])

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Milliseconds from `started` to the first content delta of a streamed answer (the whole answer is read). */
async function firstText(res: Response, started: number): Promise<number> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let first = -1
  let seen = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (first >= 0) continue
    seen += decoder.decode(value, { stream: true })
    if (/"content":"[^"]/.test(seen)) first = performance.now() - started
  }
  if (first < 0) throw new Error('the answer carried no text')
  return first
}

function ask(url: string, content: unknown): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content }] }),
  })
}

async function main(): Promise<void> {
  const upstream = await startUpstreamEmulator()
  const relay = await createRelay(
    loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      UPSTREAM_BASE_URL: upstream.url,
      RELAY_MODELS: 'bench',
      RELAY_VISION_MODELS: 'bench',
    }),
    { logSink: () => undefined },
  )
  const text: number[] = []
  const image: number[] = []
  const upload: number[] = []
  // Interleaved, after two warm-up rounds, so both kinds see the same machine and warm pools.
  for (let round = -2; round < ROUNDS; round++) {
    let started = performance.now()
    const plain = await firstText(await ask(relay.url, '这张图片里有什么？'), started)
    started = performance.now()
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(PHOTO)], { type: 'image/jpeg' }), 'photo.jpg')
    const up = await fetch(`${relay.url}/v1/uploads`, { method: 'POST', body: form })
    const { id } = (await up.json()) as { id: string }
    const uploaded = performance.now() - started
    const content = [
      { type: 'text', text: '这张图片里有什么？' },
      { type: 'image_url', image_url: { url: `upload://${id}` } },
    ]
    const withPhoto = await firstText(await ask(relay.url, content), started)
    if (round < 0) continue
    text.push(plain)
    image.push(withPhoto)
    upload.push(uploaded)
  }
  const seen = upstream.requests.at(-1)?.body ?? ''
  if (!seen.includes('data:image/jpeg;base64,')) throw new Error('the upstream did not get the photo inline')
  await relay.close()
  await upstream.close()

  const t = median(text)
  const i = median(image)
  const u = median(upload)
  console.log(
    `${ROUNDS} rounds, photo ${(PHOTO.length / 1024).toFixed(0)} KB (JPEG 1536×1024), content security off\n` +
      `first answer text: text only ${t.toFixed(1)} ms, with a photo (upload + chat) ${i.toFixed(1)} ms ` +
      `(${(i / t).toFixed(2)}×, +${(i - t).toFixed(1)} ms); upload round trip ${u.toFixed(1)} ms; ` +
      `added beyond the upload ${(i - t - u).toFixed(1)} ms`,
  )
  console.log(
    JSON.stringify({
      rounds: ROUNDS,
      photoBytes: PHOTO.length,
      textFirstTextMs: Number(t.toFixed(1)),
      imageFirstTextMs: Number(i.toFixed(1)),
      ratio: Number((i / t).toFixed(2)),
      uploadRoundTripMs: Number(u.toFixed(1)),
      addedMs: Number((i - t).toFixed(1)),
      addedInUploadRoundTrips: Number(((i - t) / u).toFixed(2)),
      target: 'a photo adds at most one round trip (its upload) before the first answer text',
      targetMet: i - t <= 1.25 * u,
    }),
  )
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
