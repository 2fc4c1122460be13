/** Error codes, their Chinese texts and what they do to an answer: the app's one vocabulary of errors. */
export type { ChatErrorCode } from './codes'
export {
  BLOCKED_NOTICE,
  errorMessage,
  GENERIC_MESSAGE,
  hiddenNotice,
  hidesAnswer,
  isInterruption,
  isKnownCode,
  isStop,
  lostConnection,
  NO_ANSWER_NOTICE,
  QUESTION_BLOCKED_NOTICE,
  UNCHECKED_NOTICE,
} from './codes'
export { hasChinese, localizeError } from './localize'
