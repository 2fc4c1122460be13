import { join } from 'node:path'
import { importCycles, importGraph } from './import-graph'

// A cycle means neither file can be read, tested or moved without the other, and a module that is
// half-initialised when the cycle closes fails only at run time. None is allowed anywhere we write code.

const ROOT = join(__dirname, '..', '..')
const DIRS = ['relay/src', 'miniprogram', 'preview']

describe('import cycles', () => {
  const graph = importGraph(ROOT, DIRS)

  it('reads the relative imports of every .ts file, type-only ones too', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get('relay/src/main.ts')).toContain('relay/src/config.ts')
    // builtins.ts takes only a type from builtin-host.ts.
    expect(graph.get('preview/runtime/builtins.ts')).toContain('preview/runtime/builtin-host.ts')
  })

  it.each(DIRS)('none under %s', (dir) => {
    const cycles = importCycles(graph).filter((cycle) => cycle.some((file) => file.startsWith(`${dir}/`)))
    expect(cycles.map((cycle) => cycle.join(' → '))).toEqual([])
  })

  it('finds a cycle through several files and a file that imports itself', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ])
    expect(importCycles(cyclic)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ])
  })
})
