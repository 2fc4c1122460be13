import { tempFile } from './files'

type Listener<T> = (r: T) => void

/**
 * `wx.getRecorderManager()` on MediaRecorder: the microphone (Chromium's fake one in tests), a
 * level frame about every 100 ms as 16-bit PCM (what `onFrameRecorded` gives for wav), the file
 * and its duration on stop, and the 60 s (`duration`) limit.
 */
export function recorderManager() {
  const on = {
    start: [] as Listener<object>[],
    stop: [] as Listener<object>[],
    error: [] as Listener<object>[],
    frame: [] as Listener<object>[],
  }
  let stopRecording: (() => void) | null = null
  const emit = (kind: keyof typeof on, value: object) => {
    for (const cb of on[kind]) cb(value)
  }
  return {
    onStart: (cb: Listener<object>) => on.start.push(cb),
    onStop: (cb: Listener<object>) => on.stop.push(cb),
    onError: (cb: Listener<object>) => on.error.push(cb),
    onFrameRecorded: (cb: Listener<object>) => on.frame.push(cb),
    async start(options: { duration?: number } = {}) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
        const recorder = new MediaRecorder(stream)
        const audio = new AudioContext()
        const analyser = audio.createAnalyser()
        audio.createMediaStreamSource(stream).connect(analyser)
        const parts: Blob[] = []
        const started = performance.now()
        const samples = new Float32Array(analyser.fftSize)
        const meter = setInterval(() => {
          analyser.getFloatTimeDomainData(samples)
          const pcm = Int16Array.from(samples, (v) =>
            Math.max(-32768, Math.min(32767, Math.round(v * 32767))),
          )
          emit('frame', { frameBuffer: pcm.buffer, isLastFrame: false })
        }, 100)
        recorder.ondataavailable = (e) => parts.push(e.data)
        recorder.onstop = () => {
          clearInterval(meter)
          for (const track of stream.getTracks()) track.stop()
          audio.close().catch(() => undefined)
          const blob = new Blob(parts, { type: recorder.mimeType || 'audio/webm' })
          const duration = Math.round(performance.now() - started)
          emit('stop', { tempFilePath: tempFile(blob, 'webm'), duration, fileSize: blob.size })
        }
        const limit = setTimeout(
          () => recorder.state === 'recording' && recorder.stop(),
          options.duration ?? 60_000,
        )
        stopRecording = () => {
          clearTimeout(limit)
          if (recorder.state === 'recording') recorder.stop()
        }
        recorder.start()
        emit('start', {})
      } catch (error) {
        emit('error', { errMsg: `operateRecorder:fail ${(error as Error).message}` })
      }
    },
    stop() {
      stopRecording?.()
      stopRecording = null
    },
  }
}
