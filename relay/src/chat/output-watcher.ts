import type { RelayContext, RelayHooks, UsageInfo } from '../hooks'

/** Feeds answer text and usage to the hooks in order, without holding back the bytes. */
export interface OutputWatcher {
  text(text: string): void
  usage(usage: UsageInfo): void
  /** Resolves when every queued hook call has settled; rejects with the first failure. */
  drain(): Promise<void>
}

/**
 * Hook calls are chained so `onOutputText` sees the text in order; the first
 * rejection is reported once through `onFail` (which stops the stream) and
 * later calls are skipped.
 */
export function createOutputWatcher(
  ctx: RelayContext,
  hooks: RelayHooks | undefined,
  onFail: (error: unknown) => void,
): OutputWatcher {
  let chain: Promise<void> = Promise.resolve()
  let failure: unknown = null
  const enqueue = (call: () => Promise<void>): void => {
    chain = chain.then(async () => {
      if (failure !== null) return
      try {
        await call()
      } catch (error) {
        failure = error
        onFail(error)
      }
    })
  }
  return {
    text(text) {
      const hook = hooks?.onOutputText
      if (hook && text !== '') enqueue(() => hook.call(hooks, ctx, text))
    },
    usage(usage) {
      const hook = hooks?.onUsage
      if (hook) enqueue(() => hook.call(hooks, ctx, usage))
    },
    async drain() {
      await chain
      if (failure !== null) throw failure
    },
  }
}
