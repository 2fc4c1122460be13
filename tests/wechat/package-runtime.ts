/**
 * Runs a compiled WeChat code package (what `npm run build:mp` writes to build/wechat/package) under
 * WeChat's module rules instead of Node's, so a test fails where the app would fail on a phone:
 * - `require` takes a path relative to the requiring file, `.js` optional; a folder is NOT a module
 *   (Node would find its index.js, WeChat does not promise to);
 * - a bare name is a package in the nearest `miniprogram_npm/` up the tree (`name/index.js`);
 * - no Node built-ins, no `process`, `Buffer`, `TextDecoder`, `TextEncoder`, `fetch` or `URL`:
 *   only ECMAScript itself, timers, `console` and what the test puts in (App, Page, Component,
 *   Behavior, getApp, getCurrentPages, wx).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import vm from 'node:vm'

/** What the sandbox hands to a page or component definition call. */
export type Definition = Record<string, unknown>

/** The globals WeChat's app service provides, as the test wants them. */
export interface WechatGlobals {
  wx: Record<string, unknown>
  [name: string]: unknown
}

/** Why a `require` cannot be satisfied under WeChat's rules, or undefined when it can. */
export function resolveWechatRequire(
  root: string,
  fromFile: string,
  request: string,
): { path: string } | { error: string } {
  if (request.startsWith('./') || request.startsWith('../')) {
    const base = posix.join(posix.dirname(fromFile), request)
    if (base.startsWith('..')) return { error: `${request} leaves the package` }
    const file = base.endsWith('.js') ? base : `${base}.js`
    if (isFile(root, file)) return { path: file }
    if (isDir(root, base)) return { error: `${request} is a folder: WeChat requires a file (…/index)` }
    return { error: `${request} is not in the package` }
  }
  if (request.startsWith('/')) return { error: `${request}: absolute paths are not modules in WeChat` }
  // A bare name: the nearest miniprogram_npm up from the requiring file.
  let dir = posix.dirname(fromFile)
  for (;;) {
    const candidate = posix.join(dir === '.' ? '' : dir, 'miniprogram_npm', request)
    for (const file of [`${candidate}.js`, `${candidate}/index.js`])
      if (isFile(root, file)) return { path: file }
    if (dir === '.' || dir === '') break
    dir = posix.dirname(dir)
  }
  return {
    error: `${request} is neither in miniprogram_npm nor a relative path (Node built-ins do not exist)`,
  }
}

function isFile(root: string, path: string): boolean {
  const full = join(root, path)
  return existsSync(full) && statSync(full).isFile()
}

function isDir(root: string, path: string): boolean {
  const full = join(root, path)
  return existsSync(full) && statSync(full).isDirectory()
}

/** Every string-literal `require("…")` in a compiled file (the compiler emits no other kind). */
export function requiresIn(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1] as string)
}

/** A loaded package: require its modules by package path, as WeChat would. */
export interface PackageRuntime {
  /** Runs (once) and returns `module.exports` of a package path like `services/chat-client`. */
  require(path: string): Record<string, unknown>
  /** The sandbox's global object (its own realm: own Object, Array, Promise…). */
  context: vm.Context
}

/** Creates a sandbox for the package at `root` with the given globals. */
export function loadPackage(root: string, globals: WechatGlobals): PackageRuntime {
  const context = vm.createContext({
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    ...globals,
  })
  const cache = new Map<string, { exports: Record<string, unknown> }>()

  function run(file: string): Record<string, unknown> {
    const cached = cache.get(file)
    if (cached) return cached.exports
    const module = { exports: {} as Record<string, unknown> }
    cache.set(file, module)
    const source = readFileSync(join(root, file), 'utf8')
    const wrapper = vm.runInContext(`(function (require, module, exports) {${source}\n})`, context, {
      filename: join(root, file),
    }) as (req: (r: string) => unknown, m: typeof module, e: unknown) => void
    const localRequire = (request: string) => {
      const resolved = resolveWechatRequire(root, file, request)
      if ('error' in resolved) throw new Error(`module "${request}" from ${file}: ${resolved.error}`)
      return run(resolved.path)
    }
    wrapper(localRequire, module, module.exports)
    return module.exports
  }

  return {
    require: (path) => run(path.endsWith('.js') ? path : `${path}.js`),
    context,
  }
}

/** Reads a JSON file of the package. */
export function readPackageJson<T>(root: string, path: string): T {
  return JSON.parse(readFileSync(join(root, path), 'utf8')) as T
}

/** The folder a page or component path points at, relative to the package root. */
export function componentPath(fromJson: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1)
  return posix.join(dirname(fromJson), target)
}
