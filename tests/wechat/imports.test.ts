/**
 * Inside miniprogram/, import files, never folders: WeChat's compiler does not follow a folder
 * import when it decides what to upload (`ignoreUploadUnusedFiles`), and WeChat's `require` does not
 * promise to find a folder's index.js. Bare imports must be runtime dependencies (packed into
 * miniprogram_npm) or type-only packages.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'

const ROOT = join(__dirname, '../..')
const MINIPROGRAM = join(ROOT, 'miniprogram')
const TYPE_ONLY_PACKAGES = new Set(['miniprogram-api-typings'])

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'miniprogram_npm' || name === 'node_modules') return []
    if (statSync(path).isDirectory()) return tsFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** Problems with one import specifier of `file`, or undefined when it is fine. */
function checkImport(file: string, specifier: string, runtimeDeps: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) {
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0]
    if (runtimeDeps.has(name ?? '') || TYPE_ONLY_PACKAGES.has(name ?? '')) return undefined
    return `${specifier} is not a runtime dependency in package.json`
  }
  const target = join(dirname(file), specifier)
  if (existsSync(`${target}.ts`)) return undefined
  if (existsSync(target) && statSync(target).isDirectory())
    return `${specifier} is a folder: import ${specifier}/index`
  return `${specifier} does not exist`
}

test('every import in miniprogram/ names a file or a runtime dependency', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: object }
  const runtimeDeps = new Set(Object.keys(pkg.dependencies))
  const files = tsFiles(MINIPROGRAM)
  expect(files.length).toBeGreaterThan(50)
  const problems: string[] = []
  let imports = 0
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName } of info.importedFiles) {
      imports++
      const problem = checkImport(file, fileName, runtimeDeps)
      if (problem) problems.push(`${relative(ROOT, file)}: ${problem}`)
    }
  }
  expect(imports).toBeGreaterThan(100)
  expect(problems).toEqual([])
})

test('the check sees a folder import for what it is', () => {
  const chat = join(MINIPROGRAM, 'lib/view/render.ts')
  expect(checkImport(chat, '../chat', new Set())).toBe('../chat is a folder: import ../chat/index')
  expect(checkImport(chat, '../chat/index', new Set())).toBeUndefined()
  expect(checkImport(chat, 'left-pad', new Set())).toMatch(/not a runtime dependency/)
})
