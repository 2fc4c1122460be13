import type { ChatUpdate } from '../../miniprogram/lib/stream'
import { createChatDecoder } from '../../miniprogram/lib/stream'
import { startChatRequest } from '../../miniprogram/services/chat-client'
import { loadTranscript, transcriptNames } from '../fixtures/transcripts'
import {
  createWxRequestDouble,
  type InstalledWx,
  installWx,
  type WxResponse,
} from '../support/wx-request-double'

/** Transcripts available now (another helper adds more); openai-basic at least. */
export function availableTranscripts(): string[] {
  const names = transcriptNames()
  return names.length > 0 ? names : ['openai-basic']
}

/** What the decoder makes of a whole transcript: the updates the client must reproduce. */
export function expectedUpdates(bytes: Uint8Array): ChatUpdate[] {
  const updates: ChatUpdate[] = []
  const decoder = createChatDecoder((u) => updates.push(u))
  decoder.push(bytes)
  decoder.end()
  return updates
}

export { loadTranscript }

/** Result of one request run through the double. */
export interface Run {
  updates: ChatUpdate[]
  double: ReturnType<typeof createWxRequestDouble>
  installed: InstalledWx
}

/**
 * Starts a chat request against the double, waits for its terminal update and
 * for the double to settle, then a little longer to catch anything emitted late.
 */
export async function runRequest(
  response: WxResponse | ((options: WechatMiniprogram.RequestOption) => WxResponse),
  options: Partial<Parameters<typeof startChatRequest>[0]> = {},
  during?: (handle: { abort(): void }, installed: InstalledWx, updates: ChatUpdate[]) => void,
): Promise<Run> {
  const double = createWxRequestDouble(typeof response === 'function' ? response : () => response)
  const installed = installWx({ request: double.request })
  const updates: ChatUpdate[] = []
  try {
    let resolveEnd!: () => void
    const ended = new Promise<void>((resolve) => (resolveEnd = resolve))
    const handle = startChatRequest({
      url: 'http://127.0.0.1:8787/v1/chat/completions',
      body: { model: 'demo', messages: [{ role: 'user', content: '你好' }] },
      ...options,
      onUpdate(update) {
        updates.push(update)
        if (update.type !== 'delta') resolveEnd()
      },
    })
    during?.(handle, installed, updates)
    await ended
    await double.settled()
    await new Promise((resolve) => setTimeout(resolve, 20))
    return { updates, double, installed }
  } finally {
    installed.uninstall()
  }
}

/** Joins the content of all deltas. */
export function contentOf(updates: readonly ChatUpdate[]): string {
  return updates.map((u) => (u.type === 'delta' ? (u.content ?? '') : '')).join('')
}

/** The one terminal update, asserting there is exactly one and it is last. */
export function terminal(updates: readonly ChatUpdate[]): ChatUpdate {
  const ends = updates.filter((u) => u.type !== 'delta')
  if (ends.length !== 1) throw new Error(`expected one terminal update, got ${ends.length}`)
  if (updates[updates.length - 1] !== ends[0]) throw new Error('terminal update is not last')
  return ends[0]!
}
