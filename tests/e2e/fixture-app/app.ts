// Fixture app for the preview runtime's own end-to-end checks (built-ins, events, wx shim).
App({ globalData: {} })
