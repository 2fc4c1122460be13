import type { IncomingMessage } from 'node:http'
import type { ChatRequestBody, RelayContext, RelayUser } from '../hooks'
import { requestInfo } from '../http/request-info'
import { ClientAbort } from './client-abort'

/** One admitted, validated chat request as the pipeline and the hooks see it. */
export function createContext(req: IncomingMessage, user: RelayUser, body: ChatRequestBody): RelayContext {
  const abort = new ClientAbort()
  return {
    requestId: requestInfo(req).id,
    req,
    user,
    body,
    stream: body.stream === true,
    get signal() {
      return abort.signal
    },
    abort,
    state: {},
  }
}
