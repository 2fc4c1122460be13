Component({
  data: { from: '' },
  methods: {
    onLoad(query: Record<string, string>) {
      this.setData({ from: query.from ?? '' })
    },
  },
})
