import { type ChatUpdate, createChatDecoder } from '../../../miniprogram/lib/stream'
import { RelayError } from '../errors'
import type { RelayContext, RelayHooks } from '../hooks'
import type { UpstreamStream } from '../upstream/http1/upstream-stream'
import { createCompletionScan } from './completion-scan'
import { createIdleTimer } from './idle-timer'
import { createOutputWatcher } from './output-watcher'
import type { SseWriter } from './sse-writer'

/** What the first byte of an SSE body may be (after a BOM and blank lines): a field name or a comment. */
const SSE_START = new Set([0x64, 0x65, 0x69, 0x72, 0x3a]) // d e i r :
const SKIPPED = new Set([0xef, 0xbb, 0xbf, 0x0d, 0x0a]) // BOM bytes (possibly split), CR, LF

/** The first byte that says whether the body is SSE, or null when the chunk holds none yet. */
function firstSignificant(chunk: Buffer): number | null {
  for (const byte of chunk) if (!SKIPPED.has(byte)) return byte
  return null
}

/** The error a non-SSE first chunk stands for: its own `{"error":…}` if it is one, else "malformed". */
function malformed(chunk: Buffer): RelayError {
  try {
    const body = JSON.parse(chunk.toString('utf8')) as { error?: { message?: unknown; code?: unknown } }
    if (body.error && typeof body.error.message === 'string') {
      const code = typeof body.error.code === 'string' ? body.error.code : 'upstream_error'
      return new RelayError(502, code, body.error.message.slice(0, 500))
    }
  } catch {
    // Not JSON either: fall through to the generic message.
  }
  return new RelayError(502, 'upstream_bad_response', 'Upstream sent data that is not an event stream')
}

/** Options of one pass-through. */
export interface PipeOptions {
  idleTimeoutMs: number
  hooks: RelayHooks | undefined
  /** Cancels the upstream request (on error frames and hook refusals). */
  abortUpstream(): void
}

/**
 * Forwards an upstream SSE body to the client byte for byte, chunk by chunk,
 * while a shared chat decoder watches the same bytes for answer text, usage,
 * the end of the answer and in-band errors. The stream ends with the
 * upstream's own `[DONE]`, or with an error frame — never a made-up `[DONE]`.
 */
export function pipeUpstream(
  upstream: UpstreamStream,
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
      idle.stop()
      upstream.off('data', onData)
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
    const idle = createIdleTimer(options.idleTimeoutMs, () => {
      const seconds = Math.round(options.idleTimeoutMs / 100) / 10
      finish(new RelayError(504, 'upstream_timeout', `Upstream sent nothing for ${seconds} s`))
    })

    const onData = (chunk: Buffer): void => {
      if (!checkedStart) {
        const first = firstSignificant(chunk)
        if (first !== null) {
          checkedStart = true
          if (!SSE_START.has(first)) {
            finish(malformed(chunk))
            return
          }
        }
      }
      idle.touch()
      const wasComplete = complete
      // Decoded before it is written, so the chunk that completes the answer can be held back.
      decoder.push(chunk)
      if (!wasComplete && complete && options.hooks?.onOutputEnd) {
        holdFinalChunk(chunk)
        return
      }
      forward(chunk)
    }
    const forward = (chunk: Buffer): void => {
      if (writer.write(chunk)) return
      // A slow client: stop reading so the upstream's bytes wait in its socket, not in our memory.
      upstream.pause()
      idle.stop()
      writer.onceDrained(() => {
        // After the end, a touch would start a new quiet period for nothing.
        if (finished) return
        idle.touch()
        upstream.resume()
      })
    }
    const holdFinalChunk = (chunk: Buffer): void => {
      upstream.pause()
      // The wait is ours, not the upstream's silence.
      idle.stop()
      held = watcher
        .drain()
        .then(() => options.hooks?.onOutputEnd?.(ctx))
        .then(
          () => {
            if (finished) return
            idle.touch()
            forward(chunk)
            upstream.resume()
          },
          (error) => finish(error),
        )
    }
    upstream.on('data', onData)
    upstream.on('end', async () => {
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
      if (!wasComplete && options.hooks?.onOutputEnd) {
        try {
          await watcher.drain()
          await options.hooks.onOutputEnd(ctx)
        } catch (error) {
          return finish(error)
        }
      }
      finish()
    })
    upstream.on('aborted', () =>
      finish(new RelayError(502, 'upstream_disconnected', 'Upstream connection broke mid-answer')),
    )
    upstream.on('error', () =>
      finish(new RelayError(502, 'upstream_disconnected', 'Upstream connection broke mid-answer')),
    )
  })
}
