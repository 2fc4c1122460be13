import { type ChatUpdate, createChatDecoder } from '../../../miniprogram/lib/stream'
import { RelayError } from '../errors'
import type { RelayContext, RelayHooks } from '../hooks'
import type { UpstreamResponse } from '../upstream/response'
import { createCompletionScan } from './completion-scan'
import { createOutputWatcher } from './output-watcher'
import { looksLikeSse, malformed } from './sse-start'
import type { SseWriter } from './sse-writer'

/** Options of one pass-through. */
export interface PipeOptions {
  hooks: RelayHooks | undefined
  /** Cancels the upstream request (on error frames and hook refusals). */
  abortUpstream(): void
}

function disconnected(): RelayError {
  return new RelayError(502, 'upstream_disconnected', 'Upstream connection broke mid-answer')
}

/**
 * Forwards an upstream SSE body to the client byte for byte, chunk by chunk,
 * while a shared chat decoder watches the same bytes for answer text, usage,
 * the end of the answer and in-band errors. The stream ends with the
 * upstream's own `[DONE]`, or with an error frame — never a made-up `[DONE]`.
 * A silent upstream is the upstream client's body timeout; while the upstream
 * is paused (a slow client, a held final chunk) that timeout waits too.
 */
export function pipeUpstream(
  upstream: UpstreamResponse,
  writer: SseWriter,
  ctx: RelayContext,
  options: PipeOptions,
): Promise<void> {
  return new Promise((resolve) => {
    let finished = false
    let checkedStart = false
    let inBandError = false
    let complete = false
    let ending = false
    /** Settles once a held-back final chunk has been forwarded (or refused). */
    let held: Promise<void> = Promise.resolve()
    const finish = (error?: unknown): void => {
      if (finished) return
      finished = true
      if (error !== undefined) {
        writer.fail(error)
        options.abortUpstream()
        resolve()
        return
      }
      watcher.drain().then(
        () => {
          writer.end()
          resolve()
        },
        (hookError) => {
          writer.fail(hookError)
          resolve()
        },
      )
    }
    const watcher = createOutputWatcher(ctx, options.hooks, (error) => finish(error))
    const onUpdate = (update: ChatUpdate): void => {
      if (update.type === 'delta') {
        // Reasoning is shown to the user too, so it goes through the same output checks.
        if (update.reasoning) watcher.text(update.reasoning)
        if (update.content) watcher.text(update.content)
      } else if (update.type === 'done') {
        complete = true
        const u = update.usage
        if (u) {
          watcher.usage({
            prompt_tokens: u.promptTokens,
            completion_tokens: u.completionTokens,
            total_tokens: u.totalTokens,
          })
        }
      } else if (!ending) {
        inBandError = true
      }
    }
    const hooks = options.hooks
    // Without hooks that read the answer, only the end and in-band errors matter: most events skip decoding.
    const needsText = Boolean(hooks?.onOutputText || hooks?.onUsage || hooks?.onOutputEnd)
    const decoder = needsText
      ? createChatDecoder(onUpdate)
      : createCompletionScan(() => createChatDecoder(onUpdate))

    /** Writes a chunk; false when the client pushed back and the upstream is paused until it drains. */
    const forward = (chunk: Buffer): boolean => {
      if (writer.write(chunk)) return true
      // A slow client: stop reading so the upstream's bytes wait in its socket, not in our memory.
      upstream.pause()
      writer.onceDrained(() => {
        if (!finished) upstream.resume()
      })
      return false
    }
    const holdFinalChunk = (chunk: Buffer): void => {
      upstream.pause()
      held = watcher
        .drain()
        .then(() => hooks?.onOutputEnd?.(ctx))
        .then(
          () => {
            // Resuming delivers what waited at once, so the held chunk goes out first.
            if (!finished && forward(chunk)) upstream.resume()
          },
          (error) => finish(error),
        )
    }
    const end = async (): Promise<void> => {
      await held
      if (finished) return
      const wasComplete = complete
      ending = true
      decoder.end()
      if (inBandError) return finish()
      if (!complete) {
        return finish(
          new RelayError(502, 'upstream_incomplete', 'Upstream ended before the answer was complete'),
        )
      }
      // Finished by `finish_reason` + close without `[DONE]`: the end check runs before the response ends.
      if (!wasComplete && hooks?.onOutputEnd) {
        try {
          await watcher.drain()
          await hooks.onOutputEnd(ctx)
        } catch (error) {
          return finish(error)
        }
      }
      finish()
    }
    upstream.read({
      data(chunk) {
        if (finished) return
        if (!checkedStart) {
          const sse = looksLikeSse(chunk)
          if (sse === false) return finish(malformed(chunk))
          checkedStart = sse === true
        }
        const wasComplete = complete
        // Decoded before it is written, so the chunk that completes the answer can be held back.
        decoder.push(chunk)
        if (!wasComplete && complete && hooks?.onOutputEnd) holdFinalChunk(chunk)
        else forward(chunk)
      },
      end() {
        void end()
      },
      // A body timeout is already the 504 to report; anything else broke the connection.
      fail: (error) => finish(error instanceof RelayError ? error : disconnected()),
    })
  })
}
