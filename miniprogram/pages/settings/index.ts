import { themeBehavior } from '../../behaviors/theme'
import { fromForm, type SettingsForm, toForm, validateSettings } from '../../lib/settings/index'
import { fetchModels, testConnection } from '../../services/relay-api'
import { loadSettings, saveSettings } from '../../services/settings'
import { toast } from '../../services/ui'

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
  },
  lifetimes: {
    attached() {
      const form = toForm(loadSettings())
      this.setData({ form, models: form.model ? [form.model] : [] })
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
