import type { IncomingMessage } from 'node:http'
import { clientAddress, isTrustedProxy, parseProxyTrust } from '../../relay/src/http/client-address'

const req = (peer: string, forwarded?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
  }) as IncomingMessage

describe('RELAY_TRUST_PROXY', () => {
  it('reads addresses, CIDR ranges, loopback, private and a number of hops; refuses the rest', () => {
    expect(parseProxyTrust('')).toEqual({ kind: 'none' })
    expect(parseProxyTrust('2')).toEqual({ kind: 'hops', hops: 2 })
    const list = parseProxyTrust('loopback, 10.1.0.0/16, 2001:db8::1')
    expect(isTrustedProxy(list, '::ffff:127.0.0.1')).toBe(true)
    expect(isTrustedProxy(list, '10.1.200.3')).toBe(true)
    expect(isTrustedProxy(list, '10.2.0.1')).toBe(false)
    expect(isTrustedProxy(list, '2001:db8::1')).toBe(true)
    expect(isTrustedProxy(parseProxyTrust('private'), '192.168.1.1')).toBe(true)
    for (const bad of ['nginx', '10.0.0.0/x', '0', '11'])
      expect(() => parseProxyTrust(bad)).toThrow('RELAY_TRUST_PROXY')
  })
})

describe('the client address', () => {
  const trust = parseProxyTrust('loopback,10.0.0.0/8')

  it('is the peer when the peer is not trusted, whatever the header says', () => {
    expect(clientAddress(req('203.0.113.5', '1.2.3.4'), trust)).toBe('203.0.113.5')
    expect(clientAddress(req('::ffff:203.0.113.5'), parseProxyTrust(''))).toBe('203.0.113.5')
  })

  it('is the first address from the right that no trusted proxy wrote', () => {
    expect(clientAddress(req('127.0.0.1', '198.51.100.9'), trust)).toBe('198.51.100.9')
    expect(clientAddress(req('127.0.0.1', '6.6.6.6, 198.51.100.9, 10.0.0.2'), trust)).toBe('198.51.100.9')
    expect(clientAddress(req('127.0.0.1', '[2001:db8::5]:443'), trust)).toBe('2001:db8::5')
    expect(clientAddress(req('127.0.0.1', '198.51.100.9:5000'), trust)).toBe('198.51.100.9')
  })

  it('stops at garbage, and falls back to the peer without a header', () => {
    expect(clientAddress(req('127.0.0.1', 'not-an-ip, 198.51.100.9'), trust)).toBe('198.51.100.9')
    expect(clientAddress(req('127.0.0.1', 'not-an-ip'), trust)).toBe('127.0.0.1')
    expect(clientAddress(req('127.0.0.1'), trust)).toBe('127.0.0.1')
  })

  it('with hops, counts from the right', () => {
    expect(clientAddress(req('10.9.9.9', '6.6.6.6, 198.51.100.9'), parseProxyTrust('1'))).toBe('198.51.100.9')
    expect(clientAddress(req('10.9.9.9', '6.6.6.6, 198.51.100.9, 10.0.0.1'), parseProxyTrust('2'))).toBe(
      '198.51.100.9',
    )
    expect(clientAddress(req('10.9.9.9'), parseProxyTrust('1'))).toBe('10.9.9.9')
  })
})
