import type { Server } from 'node:http'

/** Limits on open client connections. */
export interface ConnectionCaps {
  /** In all (Node refuses more). */
  max: number
  /** Per client address; 0 = none. */
  perAddress: number
  /** Peers not capped per address: trusted proxies carry many clients on their connections. */
  exempt(address: string): boolean
}

/**
 * Caps the server's open connections in all and per peer address: one client cannot take every
 * socket (and the memory behind each) with idle or slow connections. A connection over a cap is
 * closed before any byte is read.
 */
export function capConnections(server: Server, caps: ConnectionCaps): void {
  server.maxConnections = caps.max
  if (caps.perAddress <= 0) return
  const open = new Map<string, number>()
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? ''
    if (caps.exempt(address)) return
    const count = (open.get(address) ?? 0) + 1
    if (count > caps.perAddress) {
      socket.destroy()
      return
    }
    open.set(address, count)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left > 0) open.set(address, left)
      else open.delete(address)
    })
  })
}
