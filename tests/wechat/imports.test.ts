/**
 * Inside miniprogram/, import files, never folders: WeChat's compiler does not follow a folder
 * import when it decides what to upload (`ignoreUploadUnusedFiles`), and WeChat's `require` does not
 * promise to find a folder's index.js. Bare imports must be runtime dependencies (packed into
 * miniprogram_npm) or type-only packages.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { appImports, appPackages, packageOf } from '../../scripts/wechat/app-imports'

const ROOT = join(__dirname, '../..')
const MINIPROGRAM = join(ROOT, 'miniprogram')
const TYPE_ONLY_PACKAGES = new Set(['miniprogram-api-typings'])

/** Problems with one import specifier of `file`, or undefined when it is fine. */
function checkImport(file: string, specifier: string, runtimeDeps: Set<string>): string | undefined {
  const name = packageOf(specifier)
  if (name !== undefined) {
    if (runtimeDeps.has(name) || TYPE_ONLY_PACKAGES.has(name)) return undefined
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
  const imports = appImports(MINIPROGRAM)
  expect(new Set(imports.map((i) => i.file)).size).toBeGreaterThan(50)
  expect(imports.length).toBeGreaterThan(100)
  const problems: string[] = []
  for (const { file, specifier } of imports) {
    const problem = checkImport(file, specifier, runtimeDeps)
    if (problem) problems.push(`${relative(ROOT, file)}: ${problem}`)
  }
  expect(problems).toEqual([])
})

test("only the packages the app imports are packed for WeChat, not the relay's", () => {
  expect(appPackages(MINIPROGRAM)).toEqual(['eventsource-parser'])
})

test('the check sees a folder import for what it is', () => {
  const chat = join(MINIPROGRAM, 'lib/view/render.ts')
  expect(checkImport(chat, '../chat', new Set())).toBe('../chat is a folder: import ../chat/index')
  expect(checkImport(chat, '../chat/index', new Set())).toBeUndefined()
  expect(checkImport(chat, 'left-pad', new Set())).toMatch(/not a runtime dependency/)
})
