import { type ChatUpdate, createChatDecoder } from '../../../miniprogram/lib/stream'
import { RelayError } from '../errors'
import type { OutputCheck, RelayContext, RelayHooks } from '../hooks'
import type { UpstreamResponse } from '../upstream/response'
import { createAnswerOutput } from './answer-output'
import { createCompletionScan } from './completion-scan'
import { createOutputWatcher } from './output-watcher'
import { createEventSplitter } from './sse-events'
import { createStartCheck } from './sse-start'
import type { AnswerSink } from './sse-writer'
import { eventToolCallsText } from './tool-call-text'

/** Options of one pass-through. */
export interface PipeOptions {
  hooks: RelayHooks | undefined
  /** Content security for this answer (`hooks.outputCheck`), or null. */
  check: OutputCheck | null
  /** What no forwarded byte may contain. */
  secrets: readonly string[]
  /** Tools are allowed: their call arguments are checked with the text. */
  tools: boolean
  /** Cancels the upstream request (on error frames and hook refusals). */
  abortUpstream(): void
}

function disconnected(): RelayError {
  return new RelayError(502, 'upstream_disconnected', 'Upstream connection broke mid-answer')
}

/**
 * Forwards an upstream SSE body to the client chunk by chunk, while a shared chat decoder watches
 * the same bytes for answer text, usage, the end of the answer and in-band errors. With a content
 * check the body is cut into whole events and held per segment until its text passed
 * (./answer-output.ts); without one, bytes go out as they arrive. The stream ends with the
 * upstream's own `[DONE]`, or with an error frame — never a made-up `[DONE]`. A silent upstream is
 * the upstream client's body timeout; while the upstream is paused (a slow client, a held final
 * chunk, a full gate) that timeout waits too.
 */
export function pipeUpstream(
  upstream: UpstreamResponse,
  writer: AnswerSink,
  ctx: RelayContext,
  options: PipeOptions,
): Promise<void> {
  return new Promise((resolve) => {
    let finished = false
    let inBandError = false
    let complete = false
    let ending = false
    let paused = false
    /** The text the event being decoded shows (whole-event mode). */
    let eventText = ''
    /** Settles once a held-back final chunk has been forwarded (or refused). */
    let held: Promise<void> = Promise.resolve()
    const finish = (error?: unknown): void => {
      if (finished) return
      finished = true
      if (error !== undefined) {
        output.close()
        writer.fail(error)
        options.abortUpstream()
        resolve()
        return
      }
      Promise.all([watcher.drain(), output.settled()]).then(
        () => {
          writer.end()
          resolve()
        },
        (refusal) => {
          output.close()
          writer.fail(refusal)
          resolve()
        },
      )
    }
    const watcher = createOutputWatcher(ctx, options.hooks, (error) => finish(error))
    const output = createAnswerOutput(writer, options.check, options.secrets, (error) => finish(error))
    const onUpdate = (update: ChatUpdate): void => {
      if (update.type === 'delta') {
        // Reasoning is shown to the user too, so it goes through the same output checks.
        if (update.reasoning) watcher.text(update.reasoning)
        if (update.content) watcher.text(update.content)
        eventText += (update.reasoning ?? '') + (update.content ?? '')
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
    const needsText = Boolean(
      hooks?.onOutputText || hooks?.onUsage || hooks?.onOutputEnd || output.wholeEvents,
    )
    const decoder = needsText
      ? createChatDecoder(onUpdate)
      : createCompletionScan(() => createChatDecoder(onUpdate))
    const splitter = output.wholeEvents ? createEventSplitter() : null

    /** Passes bytes on; when the client or the gate pushes back, the upstream waits in its socket. */
    const forward = (bytes: Buffer, text: string): boolean => {
      if (output.push(bytes, text)) return true
      if (!paused) {
        paused = true
        upstream.pause()
        output.onRoom(() => {
          paused = false
          if (!finished) upstream.resume()
        })
      }
      return false
    }
    const holdFinal = (bytes: Buffer): void => {
      upstream.pause()
      held = watcher
        .drain()
        .then(() => hooks?.onOutputEnd?.(ctx))
        .then(
          () => {
            // Resuming delivers what waited at once, so the held bytes go out first.
            if (!finished && forward(bytes, '')) upstream.resume()
          },
          (error) => finish(error),
        )
    }
    /** Decodes `bytes` and passes them on, or holds them when they complete the answer and `onOutputEnd` must run first. */
    const take = (bytes: Buffer): void => {
      const wasComplete = complete
      eventText = ''
      // Decoded before it is written, so the chunk that completes the answer can be held back.
      decoder.push(bytes)
      if (options.tools && splitter) eventText += eventToolCallsText(bytes)
      if (!wasComplete && complete && hooks?.onOutputEnd) holdFinal(bytes)
      else forward(bytes, eventText)
    }
    const end = async (): Promise<void> => {
      if (start.end()) return
      for (const event of splitter?.end() ?? []) take(event)
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
    const start = createStartCheck(options.secrets, (error) => finish(error))
    upstream.read({
      data(chunk) {
        if (finished || !start.take(chunk)) return
        if (!splitter) return take(chunk)
        // Nothing after the end of the answer has a meaning; held text must not slip out after it.
        for (const event of splitter.push(chunk)) if (!complete && !finished) take(event)
      },
      end() {
        void end()
      },
      // A body timeout is already the 504 to report; anything else broke the connection.
      fail: (error) => finish(error instanceof RelayError ? error : disconnected()),
    })
  })
}
