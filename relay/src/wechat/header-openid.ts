import type { IncomingMessage } from 'node:http'

/** The `x-wx-openid` header Cloud Hosting's callContainer sets; believed only with RELAY_TRUST_WX_HEADERS=1. */
export function headerOpenid(req: Pick<IncomingMessage, 'headers'>): string | null {
  const value = req.headers['x-wx-openid']
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}
