/**
 * `wx` media APIs for Node tests, behaving as the base library documents: chooseMedia (picked
 * files, or a cancel), getImageInfo / compressImage (sizes), a file system of in-memory files,
 * uploadFile (answered by the test), getRecorderManager (a recording of a chosen length), and the
 * microphone permission (granted, asked, or refused earlier).
 */

/** A photo the "album" hands out. */
export interface PickedPhoto {
  width: number
  height: number
  bytes: number
}

/** How the double answers one upload (`POST /v1/uploads` or `/v1/audio/transcriptions`). */
export type UploadAnswer = { status: number; body: unknown } | { fail: string }

/** The recording the next press produces. */
export interface ScriptedRecording {
  durationMs: number
  /** Fail like a recorder that could not start. */
  errMsg?: string
}

/** What the double saw and how it is set up; `wx` goes into installWx's extra. */
export interface MediaDouble {
  wx: Record<string, unknown>
  /** Next chooseMedia result: photos, or 'cancel'. */
  nextPick: PickedPhoto[] | 'cancel'
  /** Upload answers by URL path, in order (the last repeats). */
  uploads: Map<string, UploadAnswer[]>
  /** Every uploadFile call: the path and what was sent. */
  uploaded: {
    path: string
    filePath: string
    name: string
    formData?: Record<string, string>
    header?: Record<string, string>
  }[]
  /** compressImage calls, with the size asked for. */
  compressed: { width?: number; height?: number; quality?: number }[]
  /** Files that exist (path → size). */
  files: Map<string, number>
  /** Microphone permission: granted, never asked (the prompt answers `answer`), or refused before. */
  microphone: 'granted' | 'ask' | 'refused'
  /** What the permission prompt answers when asked. */
  answer: 'allow' | 'deny'
  nextRecording: ScriptedRecording
  /** The recorder: start/stop as the component calls them. */
  recorder: { started: number; stopped: number }
}

/** A media double; photos get sizes from `nextPick`, paths are made up. */
export function createMediaDouble(): MediaDouble {
  const photos = new Map<string, PickedPhoto>()
  let seq = 0
  const fileFor = (photo: PickedPhoto, prefix: string) => {
    seq++
    const path = `wxfile://${prefix}${seq}.jpg`
    photos.set(path, photo)
    double.files.set(path, photo.bytes)
    return path
  }
  const listeners = {
    stop: [] as ((r: unknown) => void)[],
    error: [] as ((r: unknown) => void)[],
    frame: [] as ((r: unknown) => void)[],
  }
  const later = (fn: () => void, ms = 0) => setTimeout(fn, ms)

  const double: MediaDouble = {
    nextPick: [],
    uploads: new Map(),
    uploaded: [],
    compressed: [],
    files: new Map(),
    microphone: 'granted',
    answer: 'allow',
    nextRecording: { durationMs: 2000 },
    recorder: { started: 0, stopped: 0 },
    wx: {
      env: { USER_DATA_PATH: 'wxfile://usr' },
      chooseMedia: (o: { count: number; success: (r: unknown) => void; fail: (e: unknown) => void }) =>
        later(() => {
          if (double.nextPick === 'cancel') return o.fail({ errMsg: 'chooseMedia:fail cancel' })
          const picked = double.nextPick.slice(0, o.count)
          o.success({
            type: 'image',
            tempFiles: picked.map((p) => ({ tempFilePath: fileFor(p, 'tmp_'), size: p.bytes })),
          })
        }),
      getImageInfo: (o: { src: string; success: (r: unknown) => void; fail: (e: unknown) => void }) =>
        later(() => {
          const photo = photos.get(o.src)
          if (!photo) return o.fail({ errMsg: 'getImageInfo:fail file not found' })
          o.success({ width: photo.width, height: photo.height, path: o.src, type: 'jpeg' })
        }),
      compressImage: (o: {
        src: string
        quality?: number
        compressedWidth?: number
        compressedHeight?: number
        success: (r: unknown) => void
      }) =>
        later(() => {
          double.compressed.push({ width: o.compressedWidth, height: o.compressedHeight, quality: o.quality })
          const photo = photos.get(o.src) as PickedPhoto
          const out = {
            width: o.compressedWidth ?? photo.width,
            height: o.compressedHeight ?? photo.height,
            bytes: Math.ceil(photo.bytes / 4),
          }
          o.success({ tempFilePath: fileFor(out, 'tmp_c') })
        }),
      getFileSystemManager: () => ({
        copyFile: (o: {
          srcPath: string
          destPath: string
          success: () => void
          fail: (e: unknown) => void
        }) =>
          later(() => {
            const photo = photos.get(o.srcPath)
            if (!photo) return o.fail({ errMsg: 'copyFile:fail no such file' })
            photos.set(o.destPath, photo)
            double.files.set(o.destPath, photo.bytes)
            o.success()
          }),
        getFileInfo: (o: { filePath: string; success: (r: unknown) => void; fail: (e: unknown) => void }) =>
          later(() => {
            const size = double.files.get(o.filePath)
            if (size === undefined) return o.fail({ errMsg: 'getFileInfo:fail no such file' })
            o.success({ size })
          }),
        unlinkSync: (path: string) => {
          if (!double.files.delete(path)) throw new Error(`unlinkSync:fail no such file ${path}`)
        },
      }),
      uploadFile: (o: {
        url: string
        filePath: string
        name: string
        formData?: Record<string, string>
        header?: Record<string, string>
        success: (r: unknown) => void
        fail: (e: unknown) => void
      }) => {
        const path = new URL(o.url).pathname
        double.uploaded.push({
          path,
          filePath: o.filePath,
          name: o.name,
          formData: o.formData,
          header: o.header,
        })
        const answers = double.uploads.get(path) ?? [
          { status: 404, body: { error: { message: 'not found' } } },
        ]
        const answer = answers.length > 1 ? (answers.shift() as UploadAnswer) : (answers[0] as UploadAnswer)
        later(() => {
          if ('fail' in answer) return o.fail({ errMsg: answer.fail })
          o.success({ statusCode: answer.status, data: JSON.stringify(answer.body) })
        }, 5)
      },
      previewImage: () => undefined,
      getSetting: (o: { success: (r: unknown) => void }) =>
        later(() => {
          const authSetting: Record<string, boolean> = {}
          if (double.microphone !== 'ask') authSetting['scope.record'] = double.microphone === 'granted'
          o.success({ authSetting })
        }),
      authorize: (o: { success: () => void; fail: (e: unknown) => void }) =>
        later(() => {
          if (double.answer === 'allow') {
            double.microphone = 'granted'
            o.success()
          } else {
            double.microphone = 'refused'
            o.fail({ errMsg: 'authorize:fail auth deny' })
          }
        }),
      openSetting: () => undefined,
      getRecorderManager: () => ({
        onStop: (cb: (r: unknown) => void) => {
          listeners.stop = [cb]
        },
        onError: (cb: (r: unknown) => void) => {
          listeners.error = [cb]
        },
        onFrameRecorded: (cb: (r: unknown) => void) => {
          listeners.frame = [cb]
        },
        start: () => {
          double.recorder.started++
          const script = double.nextRecording
          if (script.errMsg)
            later(() => {
              for (const cb of listeners.error) cb({ errMsg: script.errMsg })
            })
          else
            later(() => {
              const frame = { frameBuffer: new Int16Array([8000, -8000, 8000, -8000]).buffer }
              for (const cb of listeners.frame) cb(frame)
            })
        },
        stop: () => {
          double.recorder.stopped++
          const script = double.nextRecording
          later(() => {
            const result = {
              tempFilePath: 'wxfile://tmp_rec.wav',
              duration: script.durationMs,
              fileSize: 1000,
            }
            for (const cb of listeners.stop) cb(result)
          })
        },
      }),
    },
  }
  return double
}
