import { persistAllSessions } from './services/chat-session'

App<IAppOption>({
  globalData: {},
  /** WeChat may kill a hidden app at any time: save partial answers now. */
  onHide() {
    persistAllSessions()
  },
})
