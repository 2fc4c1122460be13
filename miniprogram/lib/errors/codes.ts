/**
 * Every error code the app knows — its own, the relay's and the providers' common ones — with the
 * Chinese text a user reads and what the code means for the answer. The only such table: the chat
 * client, the reducer and the pages all ask here.
 */

/** What an error does to the answer it ends. */
type ErrorKind =
  /** The connection or the upstream broke mid-answer: text so far is kept and can be continued. */
  | 'interruption'
  /** The request was refused or failed before an answer could exist; retrying may help. */
  | 'failure'
  /** Content security refused it, or could not check it: the text must not be shown or stored. */
  | 'hidden'
  /** The user stopped it. */
  | 'stopped'

const TABLE = {
  // The client's own.
  interrupted: ['连接中断，回答不完整', 'interruption'],
  network: ['网络连接失败，请检查网络后重试', 'interruption'],
  timeout: ['请求超时，请检查网络后重试', 'interruption'],
  first_byte_timeout: ['服务器长时间没有响应，请稍后重试', 'interruption'],
  idle_timeout: ['长时间没有收到新内容，连接已中断', 'interruption'],
  background: ['小程序切到了后台，连接已中断', 'interruption'],
  aborted: ['已停止生成', 'stopped'],
  bad_response: ['服务返回了无法识别的内容，请检查中转地址', 'failure'],
  // HTTP statuses, when the relay's body names no code of its own.
  unauthorized: ['访问令牌无效或已过期，请在设置中检查访问令牌', 'failure'],
  not_found: ['中转地址错误（找不到接口），请在设置中检查中转地址', 'failure'],
  too_large: ['消息太长，请缩短内容或减少发送的历史消息条数', 'failure'],
  rate_limited: ['请求太频繁，请稍后再试', 'failure'],
  server: ['中转服务或上游模型暂时不可用，请稍后再试', 'failure'],
  http: ['请求失败', 'failure'],
  // The relay's codes that say more than a status.
  content_blocked: ['内容未通过安全检查', 'hidden'],
  seccheck_unavailable: ['内容安全检查暂时不可用，请稍后再试', 'hidden'],
  quota_exceeded: ['额度已用完，请稍后再试', 'failure'],
  insufficient_quota: ['上游模型额度不足，请联系服务提供者', 'failure'],
  model_not_found: ['模型不可用，请在设置中换一个模型', 'failure'],
  context_length_exceeded: ['对话太长，超出了模型能读的长度，请新建对话或减少历史消息', 'failure'],
  request_timeout: ['请求发送太慢，已被中转服务断开，请检查网络后重试', 'failure'],
  // The relay's error frames after the stream started: the answer is cut, not refused.
  upstream_timeout: ['上游模型长时间没有响应，回答中断', 'interruption'],
  upstream_disconnected: ['与上游模型的连接中断，回答不完整', 'interruption'],
  upstream_incomplete: ['上游模型的回答不完整', 'interruption'],
  upstream_bad_response: ['上游模型返回了无法识别的内容，回答中断', 'interruption'],
  upstream_error: ['上游模型出错，回答中断', 'interruption'],
  relay_shutting_down: ['中转服务正在重启，回答中断', 'interruption'],
  server_error: ['中转服务出错，回答中断', 'interruption'],
  overloaded: ['模型繁忙，回答中断，请稍后再试', 'interruption'],
  cancelled: ['回答已取消', 'stopped'],
  generation_not_found: ['回答已过期，无法继续接收', 'failure'],
  upload_failed: ['图片上传失败，请重试', 'failure'],
  upload_not_found: ['图片已过期，请重新发送', 'failure'],
  vision_not_supported: ['当前模型不支持图片，请在设置中换一个支持图片的模型', 'failure'],
} as const satisfies Record<string, readonly [string, ErrorKind]>

/** A code the app knows. Other strings may still arrive from a provider; they read as `GENERIC_MESSAGE`. */
export type ChatErrorCode = keyof typeof TABLE

/** Shown for an error the table does not know and that came without Chinese text. */
export const GENERIC_MESSAGE = '服务出错，请稍后重试'

/** Shown in place of an answer content security refused (the text itself is gone). */
export const BLOCKED_NOTICE = '该回答未通过内容安全检查，已隐藏'

/** Stands in for a question content security refused (its text is not kept). */
export const QUESTION_BLOCKED_NOTICE = '该消息未通过内容安全检查，已隐藏'

/** Under a refused question, where its answer would be. */
export const NO_ANSWER_NOTICE = '该问题未通过内容安全检查，无法回答'

/** Shown in place of an answer that could not be checked while checks are required. */
export const UNCHECKED_NOTICE = '内容安全检查暂时不可用，该回答已隐藏，请稍后重试'

/** Own keys only: a provider's code may be any string, `toString` included. */
const KNOWN: ReadonlySet<string> = new Set(Object.keys(TABLE))

function entry(code: string | undefined): readonly [string, ErrorKind] | undefined {
  return code !== undefined && KNOWN.has(code) ? TABLE[code as ChatErrorCode] : undefined
}

/** True for a code the app knows. */
export function isKnownCode(code: string | undefined): code is ChatErrorCode {
  return entry(code) !== undefined
}

/** The user-facing text of a known code. */
export function errorMessage(code: ChatErrorCode): string {
  return TABLE[code][0]
}

/** The connection broke: an answer with text becomes `interrupted` (continuable). */
export function isInterruption(code: string | undefined): boolean {
  return entry(code)?.[1] === 'interruption'
}

/**
 * The client lost the connection before it saw how the answer ends: nothing says the answer itself
 * failed, so a resumable one is reattached to rather than reported.
 */
const LOST_CONNECTION: ReadonlySet<string> = new Set([
  'network',
  'timeout',
  'first_byte_timeout',
  'idle_timeout',
  'background',
  'interrupted',
])

/** See LOST_CONNECTION. */
export function lostConnection(code: string | undefined): boolean {
  return code !== undefined && LOST_CONNECTION.has(code)
}

/** Content security: the answer's text must be dropped, not shown, not stored, not sent again. */
export function hidesAnswer(code: string | undefined): boolean {
  return entry(code)?.[1] === 'hidden'
}

/** The user (or the relay at the user's request) stopped the answer. */
export function isStop(code: string | undefined): boolean {
  return entry(code)?.[1] === 'stopped'
}

/** What replaces a hidden answer's text, by the code that hid it. */
export function hiddenNotice(code: string | undefined): string {
  return code === 'seccheck_unavailable' ? UNCHECKED_NOTICE : BLOCKED_NOTICE
}
