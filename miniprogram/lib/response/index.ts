/**
 * What a finished or failed WeChat `request` means as chat updates: a refused response (non-2xx or
 * a JSON error), a whole body (non-streaming answers, platforms without chunks), a failure
 * (`request:fail …`). services/chat-client wires them to WeChat's request API.
 */
export { headerValue } from './headers'
export { describeHttpError } from './refusal'
export { describeRequestFail } from './request-fail'
export { parseCompletionBody } from './whole-body'
