import type { OutputCheck } from '../hooks'
import { createSecretFilter } from '../redact'
import { createOutputGate } from './output-gate'
import type { AnswerSink } from './sse-writer'

/**
 * The last stage of an answer before the client: what passes here is what the client gets (and what
 * a recorder of the answer should keep). Text is held for `check` when there is one, and every byte
 * goes through the redaction of the relay's secrets.
 */
export interface AnswerOutput {
  /** True when pushes must be whole SSE events (they may be held for a check, and leave whole). */
  readonly wholeEvents: boolean
  /** Bytes of the answer and the text they show ('' for none); false: pause until `onRoom`. */
  push(bytes: Buffer, text: string): boolean
  /** Calls back once the client took what was written and nothing more is held than allowed. */
  onRoom(callback: () => void): void
  /** Resolves once everything pushed has reached the writer; rejects when held text was refused. */
  settled(): Promise<void>
  /** Stops: held bytes are dropped. */
  close(): void
}

/**
 * The output stage of one answer. `refused` is called once when held text fails its check (the
 * stream must end with that error: nothing of the refused segment, or after it, went out).
 */
export function createAnswerOutput(
  writer: AnswerSink,
  check: OutputCheck | null,
  secrets: readonly string[],
  refused: (error: unknown) => void,
): AnswerOutput {
  const filter = createSecretFilter(secrets)
  let blocked = false
  let waiting: Array<() => void> = []
  const notify = (): void => {
    if (blocked || (gate && !gateHasRoom)) return
    const callbacks = waiting
    waiting = []
    for (const callback of callbacks) callback()
  }
  /** The single place bytes leave for the client. */
  const deliver = (bytes: Buffer): boolean => {
    if (writer.write(filter ? filter.push(bytes) : bytes)) return !blocked
    if (!blocked) {
      blocked = true
      writer.onceDrained(() => {
        blocked = false
        notify()
      })
    }
    return false
  }
  let gateHasRoom = true
  const gate = check ? createOutputGate(check, deliver, refused) : null
  return {
    wholeEvents: gate !== null,
    push(bytes, text) {
      if (!gate) return deliver(bytes)
      gateHasRoom = gate.push(bytes, text)
      if (!gateHasRoom) {
        gate.onRoom(() => {
          gateHasRoom = true
          notify()
        })
      }
      return gateHasRoom && !blocked
    },
    onRoom(callback) {
      waiting.push(callback)
      notify()
    },
    async settled() {
      await gate?.settled()
      if (filter) writer.write(filter.flush())
    },
    close() {
      gate?.close()
      waiting = []
    },
  }
}
