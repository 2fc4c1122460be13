import { existsSync, readFileSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import { build } from 'esbuild'
import { TmplGroup } from 'glass-easel-template-compiler'
import { BUILTIN_TEMPLATES, builtinPath } from './runtime/builtin-templates'
import { compileWxss } from './wxss'

/** Repository root (preview/..). */
export const ROOT = resolve(__dirname, '..')
/** The mini program source folder the preview runs unchanged. */
export const MINIPROGRAM = join(ROOT, 'miniprogram')

/** One page or custom component found through app.json and usingComponents. */
export interface CompInfo {
  /** Path without extension, relative to miniprogram/, e.g. `pages/chat/index`. */
  path: string
  /** The component's JSON config, usingComponents resolved to absolute paths. */
  config: { component?: boolean; styleIsolation?: string; usingComponents?: Record<string, string> }
  /** glass-easel style scope name (undefined when the styles are shared with the page). */
  scope: string | undefined
  isPage: boolean
}

function readJson(file: string): Record<string, unknown> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
}

/** Mirrors the glass-easel webpack plugin: isolated components get a short scope name, shared ones none. */
function scopeName(n: number): string {
  return `s${n.toString(36)}`
}

/** Walks app.json pages and their usingComponents (recursively) into a dependency-first list. */
export function collectComponents(root = MINIPROGRAM): { app: Record<string, unknown>; comps: CompInfo[] } {
  const app = readJson(join(root, 'app.json'))
  const pages = (app.pages as string[] | undefined) ?? []
  const globalUsing = (app.usingComponents as Record<string, string> | undefined) ?? {}
  const seen = new Map<string, CompInfo>()
  const order: CompInfo[] = []
  const visit = (path: string, isPage: boolean) => {
    if (seen.has(path)) return
    const raw = readJson(join(root, `${path}.json`))
    const using: Record<string, string> = {}
    for (const [tag, target] of Object.entries({
      ...globalUsing,
      ...((raw.usingComponents as Record<string, string>) ?? {}),
    })) {
      using[tag] = target.startsWith('/')
        ? target.slice(1)
        : posix.normalize(posix.join(posix.dirname(path), target))
    }
    // glass-easel resolves usingComponents relative to the component unless they start with '/'.
    const absUsing = Object.fromEntries(Object.entries(using).map(([tag, p]) => [tag, `/${p}`]))
    const isolated = raw.styleIsolation
      ? !String(raw.styleIsolation).includes('shared')
      : raw.component === true && raw.addGlobalClass !== true
    const info: CompInfo = {
      path,
      config: { ...raw, usingComponents: absUsing },
      scope: isolated ? scopeName(seen.size) : undefined,
      isPage,
    }
    seen.set(path, info)
    for (const dep of Object.values(using)) visit(dep, false)
    order.push(info)
  }
  for (const p of pages) visit(p, true)
  return { app, comps: order }
}

/** Compiles every WXML of the app into one glass-easel "gen object groups" JS expression. */
export function compileTemplates(comps: CompInfo[], root = MINIPROGRAM): string {
  const group = new TmplGroup()
  try {
    for (const c of comps) {
      const file = join(root, `${c.path}.wxml`)
      const errors = group.addTmpl(c.path, existsSync(file) ? readFileSync(file, 'utf8') : '') as unknown[]
      for (const e of errors ?? []) console.warn(`[preview] ${c.path}.wxml:`, e)
    }
    for (const [tag, wxml] of Object.entries(BUILTIN_TEMPLATES)) group.addTmpl(builtinPath(tag), wxml)
    return group.getTmplGenObjectGroups()
  } finally {
    group.free()
  }
}

/** Builds the CSS of every component (plus app.wxss) keyed by component path. */
export function compileStyles(comps: CompInfo[], root = MINIPROGRAM): Record<string, string> {
  const styles: Record<string, string> = {}
  const appWxss = join(root, 'app.wxss')
  styles.app = existsSync(appWxss) ? compileWxss(appWxss) : ''
  for (const c of comps) {
    const file = join(root, `${c.path}.wxss`)
    styles[c.path] = existsSync(file) ? compileWxss(file, c.scope) : ''
  }
  return styles
}

/** Generates the bundle entry: data for the runtime plus lazy `require`s of each component's code. */
function entrySource(root: string, app: Record<string, unknown>, comps: CompInfo[]): string {
  const loaders = comps
    .map((c) => {
      const ts = join(root, `${c.path}.ts`)
      const js = join(root, `${c.path}.js`)
      const file = existsSync(ts) ? ts : js
      return `${JSON.stringify(c.path)}: () => require(${JSON.stringify(file)}),`
    })
    .join('\n')
  const appTs = join(root, 'app.ts')
  return `
import { boot } from ${JSON.stringify(join(ROOT, 'preview/runtime/boot.ts'))}
boot({
  appConfig: ${JSON.stringify(app)},
  comps: ${JSON.stringify(comps)},
  groups: ${compileTemplates(comps, root)},
  styles: ${JSON.stringify(compileStyles(comps, root))},
  theme: ${JSON.stringify(readJson(join(root, 'theme.json')))},
  loadApp: () => ${existsSync(appTs) ? `require(${JSON.stringify(appTs)})` : 'undefined'},
  loaders: {
${loaders}
  },
})
`
}

/** Bundles the whole app (`root`: a mini program folder, miniprogram/ by default) for the browser (one IIFE script); called per request so edits show on reload. */
export async function buildBundle(root = MINIPROGRAM): Promise<string> {
  const { app, comps } = collectComponents(root)
  const result = await build({
    stdin: {
      contents: entrySource(root, app, comps),
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: 'preview-entry.ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
  })
  return result.outputFiles[0]?.text ?? ''
}
