import { errorMessage, isKnownCode } from '../lib/errors/index'
import { frameLevel, MAX_RECORDING_MS } from '../lib/media/recording'
import { PRIVACY_DECLINED } from './privacy'
import { uploadToRelay } from './relay-upload'
import { confirm, toast } from './ui'

/** What a finished recording left: the file and how long it is. */
export interface Recorded {
  path: string
  durationMs: number
}

/** Listeners of one recording. */
export interface RecordingEvents {
  /** Loudness 0–1 of the latest frame, for the live meter. */
  onLevel(level: number): void
  /** The recording ended (released, or the 60 s limit): the file, or null when it failed. */
  onStop(recorded: Recorded | null, error?: string): void
}

/** Opens 设置 for the microphone after the user said no once (WeChat asks only the first time). */
async function offerSettings(): Promise<void> {
  if (await confirm('需要麦克风权限', '按住说话需要使用麦克风，请在设置中允许。', '去设置'))
    wx.openSetting({})
}

/**
 * Whether the microphone may be used: asks the first time; after a refusal explains and offers
 * 设置. Resolves false (with the user told why) when it may not.
 */
export async function ensureMicrophone(): Promise<boolean> {
  const settings = await new Promise<WechatMiniprogram.GetSettingSuccessCallbackResult | null>((resolve) =>
    wx.getSetting({ success: resolve, fail: () => resolve(null) }),
  )
  const granted = settings?.authSetting['scope.record']
  if (granted === true) return true
  if (granted === false) {
    await offerSettings()
    return false
  }
  return new Promise((resolve) =>
    wx.authorize({
      scope: 'scope.record',
      success: () => resolve(true),
      fail: (error) => {
        const privacy = /privacy/i.test((error as { errMsg?: string }).errMsg ?? '')
        if (privacy) toast(PRIVACY_DECLINED)
        else toast('未获得麦克风权限，无法录音')
        resolve(false)
      },
    }),
  )
}

/**
 * Starts recording (mono, 16 kHz WAV, at most 60 s) with WeChat's one recorder. Returns the
 * functions that end it: `finish` keeps the recording, `cancel` drops it.
 */
export function startRecording(events: RecordingEvents): { finish(): void; cancel(): void } {
  const recorder = wx.getRecorderManager()
  let dropped = false
  recorder.onFrameRecorded((res) => events.onLevel(frameLevel(res.frameBuffer)))
  recorder.onStop((res) =>
    events.onStop(dropped ? null : { path: res.tempFilePath, durationMs: res.duration }),
  )
  recorder.onError((res) =>
    events.onStop(null, /privacy/i.test(res.errMsg) ? PRIVACY_DECLINED : '录音失败，请重试'),
  )
  recorder.start({
    duration: MAX_RECORDING_MS,
    sampleRate: 16000,
    numberOfChannels: 1,
    format: 'wav',
    frameSize: 4,
  })
  return {
    finish: () => recorder.stop(),
    cancel: () => {
      dropped = true
      recorder.stop()
    },
  }
}

/**
 * Sends a recording to the relay for transcription (`POST /v1/audio/transcriptions`,
 * OpenAI-compatible multipart) and resolves the text.
 * @throws Error with a Chinese message.
 */
export async function transcribe(
  relayUrl: string,
  token: string | undefined,
  recorded: Recorded,
): Promise<string> {
  const reply = await uploadToRelay(relayUrl, token, '/v1/audio/transcriptions', recorded.path, {
    model: 'whisper-1',
    language: 'zh',
  }).catch(() => {
    throw new Error('语音识别失败，请检查网络后重试')
  })
  const text = reply.body.text
  if (reply.status === 200 && typeof text === 'string') return text
  // A relay that names a known code (content_blocked, seccheck_unavailable…) without Chinese text.
  const code = (reply.body.error as { code?: unknown } | undefined)?.code
  const known = typeof code === 'string' && isKnownCode(code) ? errorMessage(code) : undefined
  throw new Error(
    reply.readable ?? known ?? (reply.status === 413 ? '录音太长，请分段说' : '语音识别失败，请重试'),
  )
}
