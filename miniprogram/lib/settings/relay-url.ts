/**
 * A relay URL as the user may paste it → the base URL: trimmed, trailing
 * slashes and a pasted `/v1/chat/completions`, `/v1/models` or `/v1` removed
 * (the client appends the paths itself).
 */
export function normalizeRelayUrl(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/v1(\/chat\/completions|\/models)?$/i, '')
    .replace(/\/+$/, '')
}

/** `<relay>` + `path` (e.g. `/v1/chat/completions`), whatever form the relay URL was typed in. */
export function relayEndpoint(relayUrl: string, path: string): string {
  return `${normalizeRelayUrl(relayUrl)}${path}`
}
