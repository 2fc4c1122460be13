/**
 * Compiles the mini program with WeChat's own compiler (miniprogram-ci `getCompiledResult`: the
 * TypeScript plugin, babel, the dependency analysis behind `ignoreUploadUnusedFiles`, minifiers),
 * offline, with our project.config.json — the code package an upload would send — and writes it
 * to a folder so tests and the size budget look at exactly those files.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import { type CompileProgress, createProject, loadMiniprogramCi, readProjectConfig } from './ci'

/** The main package's size limit we hold ourselves to (WeChat's own is 2 MB). */
export const MAIN_PACKAGE_BUDGET_BYTES = 500 * 1024

/** One compile: the files of the package and what the compiler said. */
export interface CompileReport {
  /** Package paths (relative to `miniprogramRoot`) and their sizes in bytes. */
  files: Record<string, number>
  /** Bytes of every file in the package. */
  totalBytes: number
  /** Sources the dependency analysis left out of the package although they emit code. */
  droppedWithCode: string[]
  /** Type-only sources it left out (they compile to nothing, so nothing is lost). */
  droppedTypeOnly: string[]
  /** Every other warning the compiler reported. */
  warnings: string[]
  compileMs: number
}

const IGNORED_PREFIX = 'Ignored by code analyzer: '

/** True when a TypeScript file compiles to no statements at all (only types). */
export function emitsNothing(source: string): boolean {
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, removeComments: true },
  }).outputText
  const body = out
    .replace(/"use strict";/g, '')
    .replace(/Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);/g, '')
    .trim()
  return body === ''
}

function sortIgnored(paths: string[], root: string): { withCode: string[]; typeOnly: string[] } {
  const withCode: string[] = []
  const typeOnly: string[] = []
  for (const path of paths) {
    const source = readFileSync(join(root, path), 'utf8')
    ;(path.endsWith('.ts') && emitsNothing(source) ? typeOnly : withCode).push(path)
  }
  return { withCode, typeOnly }
}

/**
 * Compiles the project at `root` offline and writes the package into `outDir` (replaced).
 * Never throws for what the compiler found: the report says it, and the callers decide.
 */
export async function compileMiniProgram(root: string, outDir: string): Promise<CompileReport> {
  const ci = loadMiniprogramCi()
  const config = readProjectConfig(root)
  const project = createProject(ci, { root, appid: config.appid })
  const progress: CompileProgress[] = []
  const started = Date.now()
  const result = await ci.getCompiledResult({
    project,
    setting: { useProjectConfig: true },
    onProgressUpdate: (p) => {
      if (typeof p !== 'string') progress.push(p)
    },
  })
  const compileMs = Date.now() - started

  rmSync(outDir, { recursive: true, force: true })
  const files: Record<string, number> = {}
  let totalBytes = 0
  for (const [path, content] of Object.entries(result)) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    const target = join(outDir, path)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, bytes)
    files[path] = bytes.length
    totalBytes += bytes.length
  }

  const ignored: string[] = []
  const warnings: string[] = []
  for (const p of progress) {
    if (p.status !== 'warn' || !p.message) continue
    if (p.message.startsWith(IGNORED_PREFIX))
      ignored.push(...p.message.slice(IGNORED_PREFIX.length).split(','))
    else warnings.push(p.message)
  }
  const { withCode, typeOnly } = sortIgnored(ignored, root)
  return { files, totalBytes, droppedWithCode: withCode, droppedTypeOnly: typeOnly, warnings, compileMs }
}
