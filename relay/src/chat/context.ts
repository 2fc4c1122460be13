import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { ChatRequestBody, RelayContext, RelayUser } from '../hooks'
import { ClientAbort } from './client-abort'

// Ids only have to tell log lines apart: a random per-process prefix and a counter cost far less
// than random bytes per request.
const ID_PREFIX = randomBytes(4).toString('hex')
let idCounter = 0

/** `<8 hex of this process><counter in base 36>`, unique across processes with near certainty. */
function nextRequestId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER
  return `${ID_PREFIX}${idCounter.toString(36)}`
}

/** One admitted, validated chat request as the pipeline and the hooks see it. */
export function createContext(req: IncomingMessage, user: RelayUser, body: ChatRequestBody): RelayContext {
  const abort = new ClientAbort()
  return {
    requestId: nextRequestId(),
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
