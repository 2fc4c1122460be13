import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

// Ids only have to tell log lines apart: a random per-process prefix and a counter cost far less
// than random bytes per request.
const ID_PREFIX = randomBytes(4).toString('hex')
let idCounter = 0

/** `<8 hex of this process><counter in base 36>`, unique across processes with near certainty. */
function nextRequestId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER
  return `${ID_PREFIX}${idCounter.toString(36)}`
}

/** What the relay knows about a request before any route runs. */
export interface RequestInfo {
  /** Short id in every log line about the request, and in its `X-Request-Id` header. */
  id: string
  /** The client's address: the socket peer, or the forwarded one when the peer is a trusted proxy. */
  address: string
  /** When (epoch ms) the request's body must have arrived; Infinity for none. */
  bodyDeadline: number
  /** How long the client may leave written bytes unread before it is dropped; 0 for no limit. */
  writeTimeoutMs: number
}

/** The client-side limits the app puts on each request it receives. */
export interface RequestLimits {
  requestTimeoutMs: number
  writeTimeoutMs: number
}

const infos = new WeakMap<IncomingMessage, RequestInfo>()

/** Records a request's id, client address and limits (the app does this as it receives it). */
export function describeRequest(
  req: IncomingMessage,
  address: string,
  limits: RequestLimits | null = null,
): RequestInfo {
  const info: RequestInfo = {
    id: nextRequestId(),
    address,
    bodyDeadline: limits ? Date.now() + limits.requestTimeoutMs : Number.POSITIVE_INFINITY,
    writeTimeoutMs: limits?.writeTimeoutMs ?? 0,
  }
  infos.set(req, info)
  return info
}

/** The request's id and address; a request the app did not receive (a test calling a route) gets them now. */
export function requestInfo(req: IncomingMessage): RequestInfo {
  return infos.get(req) ?? describeRequest(req, req.socket.remoteAddress ?? 'unknown')
}
