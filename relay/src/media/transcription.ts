import type { IncomingMessage, ServerResponse } from 'node:http'
import { admit } from '../chat/admit'
import type { RelayDeps } from '../deps'
import { RelayError } from '../errors'
import { sendJson } from '../http/respond'
import { readText } from '../upstream/read-body'
import { checkAudio } from './audio-check'
import type { MediaConfig } from './config'
import { readMultipart } from './multipart'
import { wavSeconds } from './wav'

/** What the demo "recognises": it says that it is a demo. */
export const DEMO_TRANSCRIPT =
  '（演示模式）这是固定的转写结果，并不是你刚才说的话。接入语音识别服务后，这里会显示你说的内容。'

/** Recordings the app makes stop at 60 s; a little slack for the container's rounding. */
const MAX_SECONDS = 62

/** The request to the ASR upstream: OpenAI's multipart shape, built by the platform's FormData. */
async function asrBody(
  file: { bytes: Buffer; filename: string; mimeType: string },
  model: string,
  language?: string,
) {
  const form = new FormData()
  form.append(
    'file',
    new Blob([new Uint8Array(file.bytes)], { type: file.mimeType || 'application/octet-stream' }),
    file.filename || 'audio.wav',
  )
  form.append('model', model)
  if (language) form.append('language', language)
  const encoded = new Request('http://relay.invalid/', { method: 'POST', body: form })
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? '',
  }
}

/** The ASR upstream's transcript of `file` (or the demo's); a 502 `asr_failed` when it gives none. */
async function recognise(
  file: { bytes: Buffer; filename: string; mimeType: string },
  language: string | undefined,
  deps: RelayDeps,
  media: MediaConfig,
): Promise<string> {
  if (!media.asr) return DEMO_TRANSCRIPT
  const { body, contentType } = await asrBody(file, media.asr.model, language)
  const upstream = { baseUrl: media.asr.baseUrl, apiKey: media.asr.apiKey }
  const response = await deps.upstream.send(
    upstream,
    { method: 'POST', path: '/audio/transcriptions', accept: 'application/json', body, contentType },
    { aborted: false, onAbort: () => undefined },
  )
  const text = await readText(response, 256 * 1024)
  let parsed: { text?: unknown } = {}
  try {
    parsed = JSON.parse(text) as { text?: unknown }
  } catch {
    // Handled below: no text.
  }
  if (response.status !== 200 || typeof parsed.text !== 'string') {
    deps.log.warn('transcription failed upstream', { status: response.status })
    throw new RelayError(502, 'asr_failed', 'The speech recognition upstream failed')
  }
  return parsed.text
}

/**
 * `POST /v1/audio/transcriptions` (OpenAI-compatible multipart: `file`, `model`, `language`) →
 * `{"text"}`. Size and length are bounded; the audio goes to RELAY_ASR_BASE_URL with the relay's
 * key, or the demo answers a fixed transcript that says it is one. With content security
 * (`checkAudio`, `checkTranscript` hooks) the recording's check runs alongside the ASR call, so it
 * adds max(ASR, verdict) rather than their sum, and the transcript is checked as text before it is
 * returned; nothing of a refused recording's transcript leaves the relay.
 */
export async function transcribe(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RelayDeps,
  media: MediaConfig,
): Promise<void> {
  const user = await admit(req, deps)
  const form = await readMultipart(req, 'file', media.maxAudioBytes)
  const file = form.file
  if (!file || file.bytes.length === 0)
    throw new RelayError(400, 'invalid_audio', 'Field "file" with the audio is required')
  const seconds = wavSeconds(file.bytes)
  if (seconds !== null && seconds > MAX_SECONDS) {
    throw new RelayError(
      400,
      'audio_too_long',
      `Audio is ${Math.round(seconds)} s; at most ${MAX_SECONDS - 2} s`,
    )
  }
  const [checked, heard] = await Promise.allSettled([
    checkAudio(req, user, file, deps),
    recognise(file, form.fields.language, deps, media),
  ])
  // The audio's verdict first: a refused recording is refused whatever the ASR made of it.
  if (checked.status === 'rejected') throw checked.reason
  if (heard.status === 'rejected') throw heard.reason
  await deps.hooks?.checkTranscript?.(user, heard.value)
  sendJson(res, 200, { text: heard.value })
}
