import { ensureLogin } from './services/auth'
import { persistAllSessions } from './services/chat-session'
import { loadSettings } from './services/settings'

App<IAppOption>({
  globalData: {},
  /**
   * Log in with WeChat early so the first question does not wait for it. A
   * relay without login (404) or a configured static token makes this a no-op;
   * a failure is retried by the first request, so it is not shown here.
   */
  onLaunch() {
    const settings = loadSettings()
    if (!settings.token) ensureLogin(settings.relayUrl).catch(() => undefined)
  },
  /** WeChat may kill a hidden app at any time: save partial answers now. */
  onHide() {
    persistAllSessions()
  },
})
