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
