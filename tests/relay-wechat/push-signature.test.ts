import { pushSignature, verifyPush } from '../../relay/src/wechat/push-signature'

// WeChat's own example for its message-push URL check: Token "AAAAA", timestamp 1714036504, nonce 1514711492.
const EXAMPLE = { token: 'AAAAA', timestamp: '1714036504', nonce: '1514711492' }
const SIGNATURE = 'f464b24fc39322e44b38aa78f5edd27bd1441696'

test('the signature is the documented one: SHA-1 of the sorted token, timestamp and nonce', () => {
  expect(pushSignature(EXAMPLE.token, EXAMPLE.timestamp, EXAMPLE.nonce)).toBe(SIGNATURE)
})

test('a push verifies only with the right token, signature and a timestamp within five minutes', () => {
  const query = (signature: string, timestamp = EXAMPLE.timestamp) =>
    new URLSearchParams({ signature, timestamp, nonce: EXAMPLE.nonce })
  const at = Number(EXAMPLE.timestamp) * 1000
  expect(verifyPush(query(SIGNATURE), 'AAAAA', at)).toBe(true)
  expect(verifyPush(query(SIGNATURE), 'AAAAA', at + 299_000)).toBe(true)
  expect(verifyPush(query(SIGNATURE), 'AAAAA', at + 301_000)).toBe(false)
  expect(verifyPush(query(SIGNATURE), 'AAAAB', at)).toBe(false)
  expect(verifyPush(query(SIGNATURE.replace('f', 'e')), 'AAAAA', at)).toBe(false)
  expect(verifyPush(query(SIGNATURE, '1714036505'), 'AAAAA', at)).toBe(false)
  expect(verifyPush(query(SIGNATURE), '', at)).toBe(false)
})
