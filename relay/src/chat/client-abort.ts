/**
 * The client's side of a request going away: a flag and a few callbacks, with a real
 * AbortSignal made only when something asks for one (a hook, the demo's timers).
 *
 * Why not an AbortController per request: its signal is an EventTarget, and with the
 * listener the upstream attempt adds it kept about 700 bytes alive per stream. At 1,000 streams
 * opened together those objects are what the first young-generation collection has to copy,
 * and every stream waits out that pause.
 */
export class ClientAbort {
  aborted = false
  private callbacks: (() => void)[] = []
  private controller: AbortController | null = null

  /** An AbortSignal that follows this abort (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      if (this.aborted) this.controller.abort()
    }
    return this.controller.signal
  }

  /** Runs `callback` once on abort (at once if already aborted); returns a function that unsubscribes. */
  onAbort(callback: () => void): () => void {
    if (this.aborted) {
      callback()
      return () => undefined
    }
    this.callbacks.push(callback)
    return () => {
      const at = this.callbacks.indexOf(callback)
      if (at !== -1) this.callbacks.splice(at, 1)
    }
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    const callbacks = this.callbacks
    this.callbacks = []
    for (const callback of callbacks) callback()
    this.controller?.abort()
  }
}
