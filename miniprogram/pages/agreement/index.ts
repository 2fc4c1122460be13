import { themeBehavior } from '../../behaviors/theme'
import { currentAppInfo } from '../../services/app-info'
import { loadSettings } from '../../services/settings'
import { setTitle } from '../../services/ui'

/**
 * The user agreement (`?doc=agreement`) or the privacy policy (`?doc=privacy`), as the relay serves
 * them (GET /v1/app-info), so a deployer changes them without a new app version.
 */
Component({
  behaviors: [themeBehavior],
  data: { title: '', version: '', paragraphs: [] as string[] },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const info = currentAppInfo(loadSettings().relayUrl)
      const doc = query.doc === 'privacy' ? info.privacy : info.agreement
      setTitle(doc.title)
      this.setData({ title: doc.title, version: doc.version, paragraphs: doc.text.split(/\n+/) })
    },
  },
})
