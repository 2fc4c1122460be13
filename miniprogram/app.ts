import { ensureLogin } from './services/auth'
import { persistAllSessions } from './services/chat-session'
import { installPrivacyHandler } from './services/privacy'
import { loadSettings } from './services/settings'

App<IAppOption>({
  globalData: {},
  /**
   * Answers WeChat's privacy-consent requests from now on (services/privacy), and logs in with
   * WeChat early so the first question does not wait for it. A relay without login (404) or a
   * configured static token makes the login a no-op; a failure is retried by the first request.
   */
  onLaunch() {
    installPrivacyHandler()
    const settings = loadSettings()
    if (!settings.token) ensureLogin(settings.relayUrl).catch(() => undefined)
  },
  /** WeChat may kill a hidden app at any time: save partial answers now. */
  onHide() {
    persistAllSessions()
  },
})
