import { createHmac } from 'node:crypto'

/**
 * How a caller appears in log lines. A WeChat user (`wx:<openid>`) appears as `wx#` and a keyed
 * hash: lines of one user can still be found together (with the same RELAY_HASH_SALT), but a log
 * reader cannot tie them to a WeChat account, nor compute the hash for an openid without the salt.
 * Token callers are already hashes; open-relay callers are addresses.
 */
export function loggedUser(userId: string, salt: string): string {
  if (!userId.startsWith('wx:')) return userId
  return `wx#${createHmac('sha256', salt).update(userId.slice(3)).digest('hex').slice(0, 16)}`
}
