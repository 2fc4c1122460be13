import { createHmac } from 'node:crypto'
import { RelayError } from '../../relay/src/errors'
import { createSessionSigner, SESSION_PREFIX } from '../../relay/src/wechat/session'

const SECRET = 'test-session-secret-0123456789'

function expectRefused(run: () => unknown, code: string): void {
  let caught: unknown
  try {
    run()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(RelayError)
  expect((caught as RelayError).status).toBe(401)
  expect((caught as RelayError).code).toBe(code)
}

describe('session tokens', () => {
  let clock = Date.UTC(2026, 0, 1)
  const now = (): number => clock
  const signer = createSessionSigner(SECRET, 3600, now)

  it('round-trips the openid and reports expiry in ms', () => {
    const { token, expiresAt } = signer.issue('o-user-1')
    expect(token.startsWith(SESSION_PREFIX)).toBe(true)
    expect(expiresAt).toBe(clock + 3600_000)
    const claims = signer.verify(token)
    expect(claims).toMatchObject({ sub: 'o-user-1', v: 1, exp: clock / 1000 + 3600 })
  })

  it('rejects an expired token', () => {
    const { token } = signer.issue('o-user-1')
    clock += 3600_000
    expectRefused(() => signer.verify(token), 'token_expired')
  })

  it('rejects a token whose payload was changed (forged openid or expiry)', () => {
    const { token } = signer.issue('o-victim')
    const [prefix, payload, sig] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    for (const change of [{ sub: 'o-attacker' }, { exp: claims.exp + 10_000_000 }]) {
      const forged = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')
      expectRefused(() => signer.verify(`${prefix}.${forged}.${sig}`), 'invalid_token')
    }
  })

  it('rejects a token signed with another secret', () => {
    const other = createSessionSigner('another-secret-0123456789abc', 3600, now)
    expectRefused(() => signer.verify(other.issue('o-user-1').token), 'invalid_token')
  })

  it.each([
    '',
    'wxs1.',
    'wxs1.abc',
    'wxs1..',
    'not-a-session',
    `wxs1.${Buffer.from('not json').toString('base64url')}.AAAA`,
  ])('rejects malformed token %j', (token) => {
    expect(() => signer.verify(token)).toThrow(RelayError)
  })

  it('rejects a correctly signed payload with missing claims', () => {
    // Signed with the right secret but carrying no subject: only a bug could produce it, and it must still fail.
    const payload = Buffer.from(JSON.stringify({ exp: clock / 1000 + 60, iat: 0, v: 1 })).toString(
      'base64url',
    )
    const signed = `${SESSION_PREFIX}${payload}`
    const sig = createHmac('sha256', SECRET).update(signed).digest('base64url')
    expectRefused(() => signer.verify(`${signed}.${sig}`), 'invalid_token')
  })

  it('refuses a secret too short to be safe', () => {
    expect(() => createSessionSigner('short', 60)).toThrow(/RELAY_SESSION_SECRET/)
  })
})
