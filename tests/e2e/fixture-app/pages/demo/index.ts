Component({
  data: {
    count: '3',
    items: Array.from({ length: 40 }, (_, i) => i),
    target: '',
    text: '',
    on: false,
    log: '',
    scrollLog: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      this.setData({ log: `load ${JSON.stringify(query)}` })
    },
    onRow(e: WechatMiniprogram.TouchEvent) {
      this.setData({ log: `row ${e.currentTarget.dataset.index}` })
    },
    onScroll(e: WechatMiniprogram.ScrollViewScroll) {
      this.setData({ scrollLog: `scroll ${Math.round(e.detail.scrollTop)} of ${e.detail.scrollHeight}` })
    },
    onLower() {
      this.setData({ scrollLog: 'lower' })
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ text: e.detail.value })
    },
    onConfirm(e: WechatMiniprogram.InputConfirm) {
      this.setData({ log: `confirm ${e.detail.value}` })
    },
    onSend() {
      wx.setStorageSync('sent', { text: this.data.text })
      this.setData({ log: `sent ${this.data.text}`, text: '', target: 'item-30' })
    },
    onSwitch(e: WechatMiniprogram.SwitchChange) {
      this.setData({ on: e.detail.value, log: `switch ${e.detail.value}` })
    },
    goSecond() {
      wx.navigateTo({ url: '/pages/second/index?from=demo' })
    },
  },
})
