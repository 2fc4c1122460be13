import { createUtf8Decoder } from './utf8'

/**
 * Views a chunk as bytes without copying. WeChat's `request` hands out ArrayBuffers;
 * Node and the browser preview hand out Uint8Arrays, often views into a larger
 * buffer and sometimes from another realm (so no `instanceof`).
 */
export function toBytes(chunk: ArrayBuffer | Uint8Array): Uint8Array {
  // The common case costs no allocation: thousands of small chunks per answer.
  if (chunk instanceof Uint8Array) return chunk
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return new Uint8Array(chunk)
}

/** Whole bytes → text, with the project's own decoder (devices have no `TextDecoder`). */
export function bytesToText(bytes: ArrayBuffer | Uint8Array): string {
  const decoder = createUtf8Decoder()
  return decoder.decode(toBytes(bytes)) + decoder.flush()
}

/**
 * Text → UTF-8 bytes, written by hand because devices have no `TextEncoder`.
 * Needed when a platform hands `success.data` over as a string despite
 * `responseType: 'arraybuffer'`; lone surrogates become U+FFFD like TextEncoder.
 */
export function textToBytes(text: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00)
        i++
      } else code = 0xfffd
    } else if (code >= 0xdc00 && code <= 0xdfff) code = 0xfffd
    if (code < 0x80) out.push(code)
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f))
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f))
    else {
      out.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      )
    }
  }
  return new Uint8Array(out)
}

/**
 * Whatever WeChat's `request` put in `success.data` as bytes: an ArrayBuffer (asked
 * for), a string (some platforms ignore `responseType`), or an already parsed
 * object (default `dataType: 'json'`). Nothing becomes an empty array.
 */
export function responseBytes(data: unknown): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0)
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return toBytes(data as ArrayBuffer)
  // Another realm's ArrayBuffer (tests, preview) fails instanceof but has byteLength.
  if (typeof data === 'object' && typeof (data as ArrayBuffer).byteLength === 'number') {
    return new Uint8Array(data as ArrayBuffer)
  }
  if (typeof data === 'string') return textToBytes(data)
  return textToBytes(JSON.stringify(data))
}

/** Joins received chunks into one byte array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const chunk of chunks) length += chunk.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}
