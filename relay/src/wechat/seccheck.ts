import { pieces } from '../chat/sentences'
import { RelayError } from '../errors'
import type { OutputCheck } from '../hooks'
import type { Logger } from '../log'
import type { CallBudget } from './call-budget'
import { type WechatApi, WechatApiError } from './wechat-api'

/** msg_sec_check accepts at most 2,500 characters per call. */
export const SEGMENT_CHARS = 2500

/** What to do when WeChat cannot give a verdict: refuse (closed) or let the text through and log (open). */
export type FailMode = 'closed' | 'open'

/** How answer text is held for its check (see OutputCheck). */
export interface HoldSettings {
  /** `RELAY_SECCHECK_MIN_CHARS`: a segment closes at a sentence end once it has this many characters. */
  minChars: number
  /** `RELAY_SECCHECK_HOLD_MS`: or this long after its first character. */
  holdMs: number
}

/** Content security for one relay: the newest user message before upstream, the answer before it is shown. */
export interface SecChecker {
  checkInput(openid: string, text: string): Promise<void>
  /** The check the relay holds one answer to this user for. */
  outputCheck(openid: string): OutputCheck
}

/** Splits long input into checkable pieces (a user may paste more than 2,500 characters). */
export function segments(text: string, size = SEGMENT_CHARS): string[] {
  const out = pieces(text, size)
  // A whitespace-only remainder is not worth a call.
  if (out.length > 0 && out.at(-1)!.trim() === '') out.pop()
  return out
}

/**
 * Below half the minute's budget answers are held for `holdMs`; from there the hold grows to four
 * times that as the budget runs out, so segments get longer and calls fewer before any is refused.
 */
export function holdScale(pressure: number): number {
  return pressure <= 0.5 ? 1 : Math.min(4, 1 + 6 * (pressure - 0.5))
}

/**
 * A SecChecker over msg_sec_check v2; `risky` blocks, `review` passes (and is logged). Every call
 * is counted against `budget` first; past it, or when WeChat gives no verdict, `failMode` decides:
 * `closed` refuses with `seccheck_unavailable` (the app then drops the answer's text), `open` lets
 * the text through unchecked and logs it.
 */
export function createSecChecker(
  api: WechatApi,
  failMode: FailMode,
  log: Logger,
  budget: CallBudget,
  hold: HoldSettings,
): SecChecker {
  const unavailable = (where: 'input' | 'output', reason: string): void => {
    if (failMode === 'open') {
      log.warn('seccheck unavailable, letting text through (RELAY_SECCHECK_FAIL=open)', { where, reason })
      return
    }
    log.warn('seccheck unavailable, refusing (RELAY_SECCHECK_FAIL=closed)', { where, reason })
    throw new RelayError(503, 'seccheck_unavailable', '内容安全检查暂时不可用，请稍后再试')
  }

  async function verdict(openid: string, content: string, where: 'input' | 'output'): Promise<void> {
    if (!(await budget.take())) return unavailable(where, 'msg_sec_check call budget spent')
    let suggest: string
    try {
      suggest = await api.msgSecCheck(content, openid)
    } catch (error) {
      return unavailable(where, error instanceof WechatApiError ? error.message : 'unexpected error')
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
      await Promise.all(segments(text).map((piece) => verdict(openid, piece, 'input')))
    },
    outputCheck(openid) {
      return {
        maxChars: SEGMENT_CHARS,
        minChars: hold.minChars,
        holdMs: hold.holdMs,
        holdScale: () => holdScale(budget.pressure()),
        check: (text) => verdict(openid, text, 'output'),
      }
    },
  }
}
