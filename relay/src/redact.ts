/** Secrets shorter than this are not redacted: they would redact ordinary words (real keys and tokens are long). */
const MIN_SECRET_LENGTH = 6

const REDACTED = '[redacted]'
const REDACTED_BYTES = Buffer.from(REDACTED)

function redactable(secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH)
}

/**
 * Replaces every occurrence of a secret with `[redacted]`: the one redaction step for text, used
 * on log lines (whole lines, so an upstream message that echoes the key is caught wherever it sits)
 * and on every piece of upstream text the relay passes on (error messages, JSON answers, model lists).
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    // `includes` first: the common text holds no secret, and scanning is cheaper than splitting.
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  return out
}

/** Redacts a byte stream read piece by piece. */
export interface SecretFilter {
  /** The bytes of `chunk` that may go out now (a tail that could start a secret waits for the next). */
  push(chunk: Buffer): Buffer
  /** What is still held back, at the end of the stream. */
  flush(): Buffer
}

function replaceAll(data: Buffer, needle: Buffer): Buffer {
  const parts: Buffer[] = []
  let from = 0
  for (let at = data.indexOf(needle); at !== -1; at = data.indexOf(needle, from)) {
    parts.push(data.subarray(from, at), REDACTED_BYTES)
    from = at + needle.length
  }
  parts.push(data.subarray(from))
  return Buffer.concat(parts)
}

/** How many bytes at the end of `data` are the first bytes of `needle` (0 when none). */
function partialTail(data: Buffer, needle: Buffer): number {
  const first = needle[0]!
  const window = Math.min(needle.length - 1, data.length)
  for (let at = data.indexOf(first, data.length - window); at !== -1; at = data.indexOf(first, at + 1)) {
    if (data.compare(needle, 0, data.length - at, at) === 0) return data.length - at
  }
  return 0
}

/**
 * The same redaction for a stream of upstream bytes forwarded as they come: a secret inside a piece
 * is replaced, and a piece that ends with what may be the start of a secret keeps those few bytes
 * back until the next piece shows whether it is one. SSE pieces end at line ends, so in practice
 * nothing is held. Null when there is nothing to redact.
 */
export function createSecretFilter(secrets: readonly string[]): SecretFilter | null {
  const needles = redactable(secrets).map((secret) => Buffer.from(secret))
  if (needles.length === 0) return null
  let held: Buffer | null = null
  return {
    push(chunk) {
      let data = held ? Buffer.concat([held, chunk]) : chunk
      held = null
      for (const needle of needles) if (data.includes(needle)) data = replaceAll(data, needle)
      let keep = 0
      for (const needle of needles) keep = Math.max(keep, partialTail(data, needle))
      if (keep === 0) return data
      held = Buffer.from(data.subarray(data.length - keep))
      return data.subarray(0, data.length - keep)
    },
    flush() {
      const rest = held ?? Buffer.alloc(0)
      held = null
      return rest
    },
  }
}
