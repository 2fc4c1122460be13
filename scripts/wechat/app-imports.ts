/**
 * What the mini program imports, read from its sources: every import specifier of every `.ts`
 * file under miniprogram/ (miniprogram_npm aside). The WeChat npm step packs exactly the packages
 * named here — the root package.json also lists the relay's runtime dependencies, which must not
 * reach the app — and a test checks each specifier names a file or a packed package.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

/** One import of one source file. */
export interface AppImport {
  file: string
  specifier: string
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'miniprogram_npm' || name === 'node_modules') return []
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** Every import (static, re-export, `require`, dynamic) of the app's TypeScript sources. */
export function appImports(miniprogramDir: string): AppImport[] {
  return sources(miniprogramDir).flatMap((file) =>
    ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map(({ fileName }) => ({ file, specifier: fileName })),
  )
}

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a path. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The packages the app imports at run time, sorted. */
export function appPackages(miniprogramDir: string): string[] {
  const names = new Set<string>()
  for (const { specifier } of appImports(miniprogramDir)) {
    const name = packageOf(specifier)
    if (name) names.add(name)
  }
  return [...names].sort()
}
