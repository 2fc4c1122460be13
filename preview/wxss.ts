import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** Width of the preview phone frame in CSS px; WeChat defines 750rpx as the screen width. */
export const FRAME_WIDTH = 375

const RPX = /(-?\d*\.?\d+)rpx\b/g
const CLASS = /\.(-?[_a-zA-Z][-_a-zA-Z0-9]*)/g
const IMPORT = /@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?\s*;/g

/** Converts rpx lengths to px for the preview frame (1rpx = 0.5px at 375 px). */
export function rpxToPx(css: string, width = FRAME_WIDTH): string {
  return css.replace(RPX, (_m, n: string) => `${+(Number(n) * (width / 750)).toFixed(3)}px`)
}

const VIEWPORT = /(-?\d*\.?\d+)v([hw])\b/g

/**
 * vh/vw become container units of the page area (#wx-pages is a size container), so `100vh` is the
 * window below the navigation bar as on a phone, not the whole browser window.
 */
export function viewportToContainer(css: string): string {
  return css.replace(VIEWPORT, (_m, n: string, axis: string) => `${n}cq${axis}`)
}

/** Inlines `@import "x.wxss";` (relative to the importing file); each file is inlined once. */
export function inlineImports(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return ''
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  return text.replace(IMPORT, (_m, rel: string) => inlineImports(resolve(dirname(file), rel), seen))
}

/**
 * Prefixes class selectors with a glass-easel style scope name (`.a` → `.S--a`): glass-easel's DOM
 * backend writes scoped class names that way for components with isolated styles.
 * Only selector text is touched, never declarations (which may hold `.5em` or urls).
 */
export function scopeClasses(css: string, scope: string | undefined): string {
  if (!scope) return css
  let out = ''
  let selector = ''
  let depth = 0
  let inDecl = false
  for (const ch of css.replace(/\/\*[\s\S]*?\*\//g, '')) {
    if (inDecl) {
      out += ch
      if (ch === '{') depth += 1
      if (ch === '}') {
        depth -= 1
        if (depth === 0) inDecl = false
      }
      continue
    }
    if (ch === '{') {
      const isAt = selector.trim().startsWith('@')
      out += isAt ? selector : selector.replace(CLASS, (_m, c: string) => `.${scope}--${c}`)
      out += ch
      selector = ''
      if (!isAt) {
        inDecl = true
        depth = 1
      }
    } else if (ch === '}') {
      out += selector + ch
      selector = ''
    } else selector += ch
  }
  return out + selector
}

/** Reads a WXSS file and returns browser CSS: imports inlined, rpx converted, classes scoped. */
export function compileWxss(file: string, scope?: string): string {
  return scopeClasses(viewportToContainer(rpxToPx(inlineImports(file))), scope)
}
