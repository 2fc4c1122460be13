import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'

/**
 * Which peers are proxies whose `X-Forwarded-For` the relay believes (`RELAY_TRUST_PROXY`):
 * addresses and CIDR ranges (`loopback` and `private` name the usual ones), or a number of hops
 * (every peer is a proxy, as behind Cloud Hosting's gateway, which no one else can reach).
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; list: BlockList }

const NAMED: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
}

/** Reads RELAY_TRUST_PROXY; throws naming the entry it cannot read. */
export function parseProxyTrust(raw: string): ProxyTrust {
  const value = raw.trim()
  if (value === '') return { kind: 'none' }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops < 1 || hops > 10) throw new Error(`RELAY_TRUST_PROXY hops must be between 1 and 10, got ${hops}`)
    return { kind: 'hops', hops }
  }
  const list = new BlockList()
  for (const entry of value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const named = NAMED[entry]
    if (named) {
      for (const [network, prefix, type] of named) list.addSubnet(network, prefix, type)
      continue
    }
    const [address = '', bits] = entry.split('/')
    const type = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null
    if (!type || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`RELAY_TRUST_PROXY: "${entry}" is not an address, a CIDR range, loopback or private`)
    }
    if (bits === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(bits), type)
  }
  return { kind: 'list', list }
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; `[::1]:80` and `1.2.3.4:80` → the address; null when not an address. */
function plainAddress(raw: string): string | null {
  let value = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value)
  if (bracketed?.[1]) value = bracketed[1]
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'))
  if (value.toLowerCase().startsWith('::ffff:') && isIP(value.slice(7)) === 4) value = value.slice(7)
  return isIP(value) ? value : null
}

/** Whether `address` (a socket peer) is a trusted proxy. */
export function isTrustedProxy(trust: ProxyTrust, address: string): boolean {
  if (trust.kind === 'none') return false
  if (trust.kind === 'hops') return true
  const plain = plainAddress(address)
  return plain !== null && trust.list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4')
}

/**
 * The client's address. The socket peer, unless it is a trusted proxy: then `X-Forwarded-For` is
 * read from the right (each proxy appends the address it saw), past the trusted proxies (or the
 * given number of hops), to the first address no trusted party wrote. What a client puts on the
 * left of the header itself is never reached.
 */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  const peer = req.socket.remoteAddress ?? 'unknown'
  if (!isTrustedProxy(trust, peer)) return plainAddress(peer) ?? peer
  const header = req.headers['x-forwarded-for']
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(plainAddress)
  if (trust.kind === 'hops') {
    const entry = hops[hops.length - trust.hops]
    return entry ?? hops.at(-1) ?? plainAddress(peer) ?? peer
  }
  let client = plainAddress(peer) ?? peer
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]
    // Garbage where an address should be: stop at the last address a trusted party gave.
    if (!hop) break
    client = hop
    if (!isTrustedProxy(trust, hop)) break
  }
  return client
}
