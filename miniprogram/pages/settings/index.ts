import { themeBehavior } from '../../behaviors/theme'
import { fromForm, type SettingsForm, toForm, validateSettings } from '../../lib/settings/index'
import { currentAppInfo } from '../../services/app-info'
import { exportToClipboard, exportToFile } from '../../services/export'
import { fetchModels, testConnection } from '../../services/relay-api'
import { loadSettings, saveSettings } from '../../services/settings'
import { clearAllConversations, listConversations, storageUsage } from '../../services/storage'
import { chooseAction, confirm, navigate, requestOpen, toast } from '../../services/ui'

/** Storage used, as the user reads it. */
function usageText(): string {
  const { usedKb, limitKb, imageKb } = storageUsage()
  const photos = imageKb > 0 ? `，图片 ${imageKb} KB` : ''
  return `${usedKb} KB / ${Math.round(limitKb / 1024)} MB${photos}`
}

/**
 * Settings: relay URL, token, model (from the relay's /v1/models), system
 * prompt, temperature, history length. Validated by services/settings; "测试连接"
 * asks the relay.
 */
Component({
  behaviors: [themeBehavior],
  properties: {},
  data: {
    form: toForm({ relayUrl: '', token: '', model: '', systemPrompt: '', temperature: 0.7, maxMessages: 20 }),
    errors: {} as Record<string, string>,
    models: [] as string[],
    modelIndex: 0,
    modelsError: '',
    loadingModels: false,
    testing: false,
    testResult: '',
    testOk: false,
    usage: '',
  },
  lifetimes: {
    attached() {
      const form = toForm(loadSettings())
      this.setData({ form, models: form.model ? [form.model] : [], usage: usageText() })
      this.onRefreshModels()
    },
  },
  methods: {
    onField(event: WechatMiniprogram.Input) {
      const field = (event.currentTarget.dataset as { field?: keyof SettingsForm }).field
      if (!field) return
      this.setData({ [`form.${field}`]: event.detail.value, [`errors.${field}`]: '' })
    },
    onModel(event: WechatMiniprogram.PickerChange) {
      const index = Number(event.detail.value)
      const model = this.data.models[index]
      if (model !== undefined) this.setData({ 'form.model': model, modelIndex: index, 'errors.model': '' })
    },
    onRefreshModels() {
      const { relayUrl, token } = this.data.form
      this.setData({ loadingModels: true, modelsError: '' })
      return fetchModels(relayUrl.trim(), token.trim()).then(
        (list) => {
          const current = this.data.form.model
          const models = list.length > 0 ? list : current ? [current] : []
          const found = models.indexOf(current)
          const patch: Record<string, unknown> = {
            models,
            loadingModels: false,
            modelIndex: Math.max(0, found),
          }
          if (found < 0 && models[0] !== undefined) patch['form.model'] = models[0]
          this.setData(patch)
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : '获取模型列表失败'
          this.setData({ loadingModels: false, modelsError: message })
        },
      )
    },
    onSave() {
      const settings = fromForm(this.data.form)
      const result = validateSettings(settings)
      if (!result.ok) {
        this.setData({ errors: result.errors as Record<string, string> })
        return false
      }
      saveSettings(settings)
      this.setData({ errors: {} })
      toast('已保存')
      return true
    },
    /** Exports one of the latest conversations, AI label under every answer. */
    async onExport() {
      const recent = listConversations().slice(0, 6)
      if (recent.length === 0) {
        toast('还没有对话')
        return
      }
      const picked = recent[await chooseAction(recent.map((c) => c.title))]
      if (!picked) return
      const how = await chooseAction(['复制到剪贴板', '保存为文件并发送'])
      const label = currentAppInfo(loadSettings().relayUrl).aiLabel
      if (how === 0) await exportToClipboard(picked.id, label)
      else if (how === 1)
        await exportToFile(picked.id, picked.title, label).catch((e: Error) => toast(e.message))
    },
    async onClearAll() {
      if (!(await confirm('清除全部对话', '所有对话将从本机删除，无法恢复。确定清除吗？', '清除'))) return
      const count = clearAllConversations()
      // The chat page shows a new conversation when it comes back.
      requestOpen('')
      this.setData({ usage: usageText() })
      toast(`已清除 ${count} 个对话`)
    },
    onOpenAbout() {
      navigate('/pages/about/index')
    },
    onOpenAgreement() {
      navigate('/pages/agreement/index?doc=agreement')
    },
    onOpenPrivacy() {
      navigate('/pages/agreement/index?doc=privacy')
    },
    onTest() {
      const { relayUrl, token } = this.data.form
      this.setData({ testing: true, testResult: '' })
      return testConnection(relayUrl.trim(), token.trim()).then(
        (result) => this.setData({ testing: false, testOk: result.ok, testResult: result.message }),
        (error: unknown) =>
          this.setData({
            testing: false,
            testOk: false,
            testResult: error instanceof Error ? error.message : '连接失败',
          }),
      )
    },
  },
})
