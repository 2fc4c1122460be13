import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** File → the files it imports (relative imports of .ts files only), paths relative to `root`. */
export type ImportGraph = Map<string, string[]>

/** Every .ts file below `dir` (node_modules and WeChat's npm output skipped). */
function tsFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'miniprogram_npm') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...tsFiles(path))
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/** The .ts file a relative specifier names (`./a` → a.ts or a/index.ts), or null for anything else. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''))
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate
  }
  return null
}

/**
 * The relative imports between the .ts files under `dirs`, as TypeScript's own pre-processor
 * reads them: `import`, `import type`, `export … from` and `import()` alike, since a type-only
 * cycle still ties the two files' meanings together.
 */
export function importGraph(root: string, dirs: string[]): ImportGraph {
  const graph: ImportGraph = new Map()
  for (const file of dirs.flatMap((dir) => tsFiles(join(root, dir)))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = info.importedFiles
      .map((ref) => resolveSpecifier(file, ref.fileName))
      .filter((target): target is string => target !== null)
      .map((target) => relative(root, target))
    graph.set(relative(root, file), [...new Set(targets)])
  }
  return graph
}

/**
 * The strongly connected components of more than one file (or a file importing itself), each
 * as one cycle through it, starting at its alphabetically first file (Tarjan's algorithm).
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  let counter = 0
  const visit = (file: string): void => {
    index.set(file, counter)
    low.set(file, counter++)
    stack.push(file)
    onStack.add(file)
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== file)
    const selfImport = graph.get(file)?.includes(file) ?? false
    if (component.length > 1 || selfImport) components.push(component.sort())
  }
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file)
  return components.map((component) => cycleThrough(graph, component))
}

/** One closed path through every file of a component is not always possible; the shortest way back to the start is. */
function cycleThrough(graph: ImportGraph, component: string[]): string[] {
  const start = component[0]!
  const members = new Set(component)
  const previous = new Map<string, string>()
  const queue = [start]
  for (let at = 0; at < queue.length; at++) {
    const file = queue[at]!
    for (const next of graph.get(file) ?? []) {
      if (!members.has(next)) continue
      if (next === start) {
        const path = [file]
        for (let step = file; step !== start; ) {
          step = previous.get(step)!
          path.unshift(step)
        }
        return [...path, start]
      }
      if (!previous.has(next)) {
        previous.set(next, file)
        queue.push(next)
      }
    }
  }
  return component
}
