import { answerPrivacy, watchPrivacyRequests } from '../../services/privacy'

/** Id of the agree button: WeChat checks that the `agreePrivacyAuthorization` button was tapped. */
const AGREE_BUTTON = 'privacy-agree'

/**
 * WeChat asks for privacy consent when the app first uses a privacy API (the clipboard…): this
 * popup shows the reason and the guide, and answers with the user's choice (services/privacy).
 */
Component({
  data: { show: false },
  lifetimes: {
    attached() {
      const stop = watchPrivacyRequests((asking) => this.setData({ show: asking }))
      ;(this as unknown as { _stop: () => void })._stop = stop
    },
    detached() {
      ;(this as unknown as { _stop?: () => void })._stop?.()
    },
  },
  methods: {
    onOpenGuide() {
      if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({})
    },
    onAgree() {
      answerPrivacy(true, AGREE_BUTTON)
    },
    onDecline() {
      answerPrivacy(false)
    },
  },
})
