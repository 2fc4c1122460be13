import { pieces, safeCut } from '../chat/sentences'
import { RelayError } from '../errors'
import type { Logger } from '../log'
import { type WechatApi, WechatApiError } from './wechat-api'

/** msg_sec_check accepts at most 2,500 characters per call. */
export const SEGMENT_CHARS = 2500
/** Each output segment repeats the end of the previous one, so a phrase cut by a boundary is still seen whole. */
export const SEGMENT_OVERLAP = 100

/** What to do when WeChat cannot give a verdict: refuse (closed) or let the text through and log (open). */
export type FailMode = 'closed' | 'open'

/** Checks one chat's output as it streams. */
export interface OutputGuard {
  /** Appends answer text; checks each segment as it fills. Rejects with `content_blocked` on `risky`. */
  push(text: string): Promise<void>
  /** Checks whatever is left after the last full segment. */
  finish(): Promise<void>
}

/** Content security for one relay: the newest user message before upstream, the answer while it streams. */
export interface SecChecker {
  checkInput(openid: string, text: string): Promise<void>
  outputGuard(openid: string): OutputGuard
}

/** Splits long input into checkable pieces (a user may paste more than 2,500 characters). */
export function segments(text: string, size = SEGMENT_CHARS): string[] {
  const out = pieces(text, size)
  // A whitespace-only remainder is not worth a call.
  if (out.length > 0 && out.at(-1)!.trim() === '') out.pop()
  return out
}

/** A SecChecker over msg_sec_check v2; `risky` blocks, `review` passes (and is logged). */
export function createSecChecker(api: WechatApi, failMode: FailMode, log: Logger): SecChecker {
  async function verdict(openid: string, content: string, where: 'input' | 'output'): Promise<void> {
    let suggest: string
    try {
      suggest = await api.msgSecCheck(content, openid)
    } catch (error) {
      const reason = error instanceof WechatApiError ? error.message : 'unexpected error'
      if (failMode === 'open') {
        log.warn('seccheck unavailable, letting text through (RELAY_SECCHECK_FAIL=open)', { where, reason })
        return
      }
      log.warn('seccheck unavailable, refusing (RELAY_SECCHECK_FAIL=closed)', { where, reason })
      throw new RelayError(503, 'seccheck_unavailable', '内容安全检查暂时不可用，请稍后再试')
    }
    if (suggest === 'review') log.info('seccheck suggests review', { where })
    if (suggest !== 'risky') return
    log.warn('seccheck blocked text', { where })
    throw where === 'input'
      ? new RelayError(400, 'content_blocked', '你的消息可能包含不适宜的内容，请修改后再试')
      : new RelayError(400, 'content_blocked', '回答内容未通过安全检查，已停止生成')
  }

  return {
    async checkInput(openid, text) {
      for (const piece of segments(text)) await verdict(openid, piece, 'input')
    },
    outputGuard(openid) {
      let pending = ''
      let carried = 0
      // Checks run one after another, in order: a later segment can't pass before an earlier one is judged.
      let chain: Promise<void> = Promise.resolve()
      const enqueue = (content: string): Promise<void> => {
        chain = chain.then(() => verdict(openid, content, 'output'))
        return chain
      }
      return {
        push(text) {
          pending += text
          while (pending.length >= SEGMENT_CHARS) {
            const cut = safeCut(pending, SEGMENT_CHARS)
            enqueue(pending.slice(0, cut)).catch(() => {})
            const keep = safeCut(pending, cut - SEGMENT_OVERLAP)
            pending = pending.slice(keep)
            carried = cut - keep
          }
          return chain
        },
        finish() {
          // Only the overlap left means everything was already checked.
          if (pending.length > carried && pending.trim() !== '') enqueue(pending).catch(() => {})
          pending = ''
          carried = 0
          return chain
        },
      }
    },
  }
}
