import type { ServerResponse } from 'node:http'
import { errorBody, errorStatus, RelayError } from '../errors'
import { requestInfo } from './request-info'
import { dropIfUnread } from './write-deadline'

/** Sends a JSON body (never compressed, never cached). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  res.end(text)
  // A large answer to a client that does not read it would hold its socket (and the text) forever.
  if ((res.socket?.writableLength ?? 0) > 0) dropIfUnread(res, requestInfo(res.req).writeTimeoutMs)
}

/** Sends `{"error":{…}}` with the error's status (500 and a generic message for non-RelayErrors). */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const headers = error instanceof RelayError ? error.headers : {}
  sendJson(res, errorStatus(error), errorBody(error), headers)
}
