/**
 * Imported for its effect: drops wcc's generic "Now you can provide attr `wx:key`" hint, which the
 * official runtime prints on every render of a keyless wx:for. The markdown lists are keyless on purpose
 * (see components/markdown-block/index.wxml); printing the hint thousands of times per streamed answer
 * buries real warnings and slows the timing-sensitive streaming tests. Every other warning passes through.
 */
const HINT = 'Now you can provide attr `wx:key` for a `wx:for`'

const original = console.warn.bind(console)
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes(HINT)) return
  original(...args)
}

export {}
