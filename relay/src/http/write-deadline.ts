import type { ServerResponse } from 'node:http'

/**
 * Drops the client's connection unless what was written leaves within `ms`: a client that stopped
 * reading keeps its socket full, and with it the relay's memory and (for a stream) an upstream
 * connection. Returns a function that calls the deadline off (for the next write to arm again).
 */
export function dropIfUnread(res: ServerResponse, ms: number): () => void {
  if (ms <= 0) return () => undefined
  const socket = res.socket
  const timer = setTimeout(() => res.destroy(), ms)
  const cancel = (): void => {
    clearTimeout(timer)
    socket?.off('drain', cancel)
    res.off('finish', cancel)
    res.off('close', cancel)
  }
  socket?.once('drain', cancel)
  res.once('finish', cancel)
  res.once('close', cancel)
  return cancel
}
