import { themeBehavior } from '../../behaviors/theme'
import type { AppInfo } from '../../lib/review/app-info'
import { currentAppInfo, refreshAppInfo } from '../../services/app-info'
import { loadSettings } from '../../services/settings'
import { navigate } from '../../services/ui'

function view(info: AppInfo, active: string) {
  return {
    service: info.service.name,
    support: info.service.support,
    aiLabel: info.aiLabel,
    models: info.models.map((m) => ({ ...m, active: m.id === active, filing: m.filing || '备案信息待补充' })),
  }
}

/**
 * 关于: what WeChat review and the generative-AI rules ask a service to state — the service and its
 * support contact, every model with its provider and filing number, the AI label, the agreement
 * and privacy texts — all from the relay (GET /v1/app-info).
 */
Component({
  behaviors: [themeBehavior],
  data: { service: '', support: '', aiLabel: '', models: [] as unknown[] },
  lifetimes: {
    attached() {
      const settings = loadSettings()
      this.setData(view(currentAppInfo(settings.relayUrl), settings.model))
      refreshAppInfo(settings.relayUrl, settings.token).then((info) =>
        this.setData(view(info, settings.model)),
      )
    },
  },
  methods: {
    onOpenAgreement() {
      navigate('/pages/agreement/index?doc=agreement')
    },
    onOpenPrivacy() {
      navigate('/pages/agreement/index?doc=privacy')
    },
    onShareAppMessage() {
      return {
        title: `${this.data.service} · AI 问答助手`,
        path: '/pages/chat/index',
        imageUrl: '/assets/share.png',
      }
    },
  },
})
