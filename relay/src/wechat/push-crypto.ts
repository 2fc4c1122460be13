import { createDecipheriv } from 'node:crypto'

/** WeChat pads the safe mode's plaintext to a multiple of 32 bytes (PKCS#7 with a 32-byte block). */
const BLOCK = 32

/** The AES-256 key of an EncodingAESKey (43 base64 characters); throws naming the variable otherwise. */
export function pushAesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  if (encodingAesKey.length !== 43 || key.length !== 32) {
    throw new Error('WX_PUSH_AES_KEY must be the 43-character EncodingAESKey from the admin console')
  }
  return key
}

/**
 * The message inside a safe-mode push's `Encrypt` field: AES-256-CBC with the key's first 16 bytes
 * as IV; the plaintext is 16 random bytes, the message length (4 bytes, big-endian), the message
 * and the AppID. Null when it does not decrypt, or was not sent for `appid`.
 */
export function decryptPush(encrypted: string, key: Buffer, appid: string): string | null {
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
    decipher.setAutoPadding(false)
    plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
  } catch {
    return null
  }
  const pad = plain.at(-1) ?? 0
  if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) return null
  const length = plain.readUInt32BE(16)
  const end = 20 + length
  if (end > plain.length - pad) return null
  if (plain.toString('utf8', end, plain.length - pad) !== appid) return null
  return plain.toString('utf8', 20, end)
}
