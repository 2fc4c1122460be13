/**
 * Builds `miniprogram/miniprogram_npm/` the way WeChat DevTools' "构建 npm" does — with WeChat's own
 * packer (miniprogram-ci `packNpmManually`) — from a staging package whose entries that packer can read.
 *
 * Why a staging package: the packer only follows a package's `main` and appends `.js` to any entry
 * not ending in `.js`, so `eventsource-parser` 3.x (`main: ./dist/index.cjs`) is looked for at
 * `index.cjs.js` and silently skipped, and 4.x (no `main`) at `index.js`. For each runtime
 * dependency we bundle its CommonJS entry (what Node's `require` resolves through `exports`) with
 * esbuild into `build/wechat-npm/node_modules/<name>/index.js` (ES2015, no Node built-ins: a
 * `require('fs')` fails the build), then hand that tree to WeChat's packer. `project.config.json`'s
 * `packNpmRelationList` points at the same staging `package.json`, so DevTools' button packs
 * exactly what this step packs.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'
import { appPackages } from './app-imports'
import { loadMiniprogramCi } from './ci'

/** The repository root. */
export const ROOT = join(__dirname, '..', '..')
/** The staging package WeChat's packer reads (gitignored; rebuilt by this step). */
export const STAGING_DIR = join(ROOT, 'build', 'wechat-npm')
/** Where the packer writes `miniprogram_npm/` (the `miniprogramRoot`). */
export const MINIPROGRAM_DIR = join(ROOT, 'miniprogram')

/** What one run packed, and anything WeChat's packer warned about (a warning is a failure). */
export interface NpmBuildResult {
  packages: string[]
  warnings: string[]
}

interface PackageJson {
  name?: string
  version?: string
  license?: string
  dependencies?: Record<string, string>
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson
}

/** Finds the folder of an installed package (its package.json may be hidden behind `exports`). */
function packageDir(name: string, from: string): string {
  const require = createRequire(join(from, 'package.json'))
  let dir = dirname(require.resolve(name))
  while (!existsSync(join(dir, 'package.json')) || readJson(join(dir, 'package.json')).name !== name) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json found for ${name}`)
    dir = parent
  }
  return dir
}

/** Bundles one dependency's CommonJS entry into a single ES2015 file the packer can follow. */
async function stageDependency(name: string, root: string, staging: string): Promise<void> {
  const require = createRequire(join(root, 'package.json'))
  const source = packageDir(name, root)
  const manifest = readJson(join(source, 'package.json'))
  const target = join(staging, 'node_modules', name)
  mkdirSync(target, { recursive: true })
  await build({
    entryPoints: [require.resolve(name)],
    outfile: join(target, 'index.js'),
    bundle: true,
    format: 'cjs',
    // Neutral: a Node built-in is not silently left as a require WeChat cannot satisfy.
    platform: 'neutral',
    mainFields: ['main', 'module'],
    conditions: ['require'],
    target: 'es2015',
    logLevel: 'silent',
  })
  const staged = { name, version: manifest.version, license: manifest.license, main: 'index.js' }
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`)
  for (const file of ['LICENSE', 'LICENSE.md', 'license']) {
    if (existsSync(join(source, file))) copyFileSync(join(source, file), join(target, file))
  }
}

/**
 * Stages every package the app imports (scripts/wechat/app-imports.ts; each must be a runtime
 * `dependencies` entry of the root package.json, which pins its version) and packs them with
 * WeChat's packer into `<miniprogramDir>/miniprogram_npm/`. Throws when the packer warns or packs
 * fewer packages than that — both mean the app would `require` something missing.
 */
export async function buildWechatNpm(
  root = ROOT,
  staging = STAGING_DIR,
  miniprogramDir = MINIPROGRAM_DIR,
): Promise<NpmBuildResult> {
  const declared = readJson(join(root, 'package.json')).dependencies ?? {}
  const dependencies = appPackages(miniprogramDir)
  const undeclared = dependencies.filter((name) => declared[name] === undefined)
  if (undeclared.length > 0) {
    throw new Error(`the app imports ${undeclared.join(', ')}, not in package.json "dependencies"`)
  }
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  const pinned: Record<string, string> = {}
  for (const name of dependencies) {
    await stageDependency(name, root, staging)
    pinned[name] = readJson(join(staging, 'node_modules', name, 'package.json')).version ?? '*'
  }
  const stagingManifest = { name: 'wechat-npm', private: true, dependencies: pinned }
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(stagingManifest, null, 2)}\n`)

  rmSync(join(miniprogramDir, 'miniprogram_npm'), { recursive: true, force: true })
  const ci = loadMiniprogramCi()
  const result = await ci.packNpmManually({
    packageJsonPath: join(staging, 'package.json'),
    miniprogramNpmDistDir: miniprogramDir,
  })
  const warnings = result.warnList.map((w) => `${w.msg}${w.jsPath ? ` (${w.jsPath})` : ''}`)
  const packed = result.otherNpmPackNum + result.miniProgramPackNum
  if (packed !== dependencies.length) {
    warnings.push(`WeChat's packer packed ${packed} of ${dependencies.length} runtime dependencies`)
  }
  if (warnings.length > 0) throw new Error(`npm build for WeChat failed:\n  ${warnings.join('\n  ')}`)
  return { packages: dependencies, warnings }
}
