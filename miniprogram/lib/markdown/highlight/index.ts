import type { Token } from '../types'
import { fenceLanguage, normalizeLang } from './lang'
import { SPECS } from './specs'
import { type HlState, type LineCache, mergeTokens, scanCodeLine } from './tokenize'

export type { HlState, LineCache }
export { fenceLanguage, normalizeLang }

/**
 * Highlights one line: merged tokens and the state for the next line. Unknown
 * languages give one plain token (none for an empty line). `cache` resumes a
 * line that grew since the last call; the returned cache is for the next call.
 */
export function highlightLine(
  line: string,
  lang: string,
  state: HlState,
  cache?: LineCache,
): { tokens: Token[]; state: HlState; cache?: LineCache } {
  const spec = SPECS[lang]
  if (!spec) {
    return { tokens: line === '' ? [] : [{ text: line, kind: 'plain' }], state: '' }
  }
  const r = scanCodeLine(line, spec, state, cache)
  return { tokens: mergeTokens(r.tokens), state: r.end, cache: r.cache }
}

/** Highlights a whole snippet: one token array per line. */
export function highlight(code: string, lang: string): Token[][] {
  const lines: Token[][] = []
  let state: HlState = ''
  for (const line of code.split('\n')) {
    const r = highlightLine(line, normalizeLang(lang) || lang, state)
    lines.push(r.tokens)
    state = r.state
  }
  return lines
}
