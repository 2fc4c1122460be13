import { CANCEL_SLIDE_PX, clock, MIN_RECORDING_MS, recordingHint } from '../../lib/media/recording'
import { loadSettings } from '../../services/settings'
import { toast } from '../../services/ui'
import { ensureMicrophone, type Recorded, startRecording, transcribe } from '../../services/voice'

interface Hold {
  startY: number
  startedAt: number
  stop?: { finish(): void; cancel(): void }
  ticker?: ReturnType<typeof setInterval>
}

const holds = new WeakMap<object, Hold>()

/** The finger's height on screen: WeChat gives `touches`; a desktop preview may only have them in `detail`. */
function touchY(event: WechatMiniprogram.TouchEvent): number | undefined {
  const raw = event as unknown as {
    touches?: ArrayLike<{ clientY: number }>
    detail?: { touches?: ArrayLike<{ clientY: number }> }
  }
  return raw.touches?.[0]?.clientY ?? raw.detail?.touches?.[0]?.clientY
}

/**
 * Hold to talk: press 🎤 to record (mono 16 kHz, at most 60 s, a live duration and level meter),
 * slide up to cancel, release to send the recording for transcription. The transcript comes out as
 * a `transcript` event for the input box — never sent by itself.
 */
Component({
  data: {
    recording: false,
    cancelling: false,
    transcribing: false,
    elapsed: '0:00',
    hint: '',
    level: 0,
  },
  lifetimes: {
    detached() {
      const hold = holds.get(this)
      if (hold?.ticker) clearInterval(hold.ticker)
      hold?.stop?.cancel()
      holds.delete(this)
    },
  },
  methods: {
    async onPress(event: WechatMiniprogram.TouchEvent) {
      if (this.data.recording || this.data.transcribing) return
      const startY = touchY(event) ?? 0
      const hold: Hold = { startY, startedAt: Date.now() }
      holds.set(this, hold)
      if (!(await ensureMicrophone())) return
      // The finger may already be up (a quick tap while the permission prompt showed).
      if (holds.get(this) !== hold) return
      hold.startedAt = Date.now()
      this.setData({
        recording: true,
        cancelling: false,
        elapsed: '0:00',
        hint: recordingHint(0, false),
        level: 0,
      })
      hold.ticker = setInterval(() => {
        const ms = Date.now() - hold.startedAt
        this.setData({ elapsed: clock(ms), hint: recordingHint(ms, this.data.cancelling) })
      }, 250)
      hold.stop = startRecording({
        onLevel: (level) => this.setData({ level: Math.round(level * 100) }),
        onStop: (recorded, error) => this._stopped(hold, recorded, error),
      })
    },
    onMove(event: WechatMiniprogram.TouchEvent) {
      const hold = holds.get(this)
      if (!hold || !this.data.recording) return
      const cancelling = hold.startY - (touchY(event) ?? hold.startY) > CANCEL_SLIDE_PX
      if (cancelling !== this.data.cancelling) {
        this.setData({ cancelling, hint: recordingHint(Date.now() - hold.startedAt, cancelling) })
      }
    },
    onRelease() {
      const hold = holds.get(this)
      holds.delete(this)
      if (!hold?.stop) return
      if (this.data.cancelling) hold.stop.cancel()
      else hold.stop.finish()
    },
    onCancel() {
      const hold = holds.get(this)
      holds.delete(this)
      hold?.stop?.cancel()
    },
    async _stopped(hold: Hold, recorded: Recorded | null, error?: string) {
      if (hold.ticker) clearInterval(hold.ticker)
      this.setData({ recording: false, cancelling: false, level: 0 })
      if (error) {
        toast(error)
        return
      }
      if (!recorded) return
      if (recorded.durationMs < MIN_RECORDING_MS) {
        toast('说话时间太短')
        return
      }
      this.setData({ transcribing: true })
      const settings = loadSettings()
      try {
        const text = await transcribe(settings.relayUrl, settings.token, recorded)
        if (text.trim()) this.triggerEvent('transcript', { text: text.trim() })
        else toast('没有听清，请再说一次')
      } catch (e) {
        toast(e instanceof Error ? e.message : '语音识别失败，请重试')
      } finally {
        this.setData({ transcribing: false })
      }
    },
  },
})
