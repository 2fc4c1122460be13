/**
 * The slice of `miniprogram-ci` (WeChat's packer and compiler, extracted from DevTools) this project
 * uses, typed here because the package's own typings drag in half of DevTools. Loaded lazily: it
 * takes a second and prints a banner, and only the WeChat build steps need it.
 */
import { join } from 'node:path'

/** One warning of WeChat's npm packer. */
export interface PackWarning {
  msg: string
  jsPath?: string
  tips?: string
}

/** A progress event of the compiler; `status: 'warn'` events are what DevTools shows as warnings. */
export interface CompileProgress {
  id?: string
  message?: string
  status?: string
}

/** What `new ci.Project(...)` takes (`attr` replaces the fetch of the project's attributes). */
export interface ProjectOptions {
  appid: string
  type: 'miniProgram'
  projectPath: string
  privateKey?: string
  privateKeyPath?: string
  ignores?: string[]
  attr?: () => Promise<unknown>
}

/** Upload/preview/compile options shared by the three calls. */
export interface CompileOptions {
  project: unknown
  version?: string
  desc?: string
  robot?: number
  setting?: { useProjectConfig?: boolean }
  onProgressUpdate?: (progress: CompileProgress | string) => void
  qrcodeFormat?: 'base64' | 'image' | 'terminal'
  qrcodeOutputDest?: string
  pagePath?: string
}

/** Package sizes WeChat reports after an upload or preview (`__FULL__`, `__APP__`, subpackages). */
export interface UploadResult {
  subPackageInfo?: Array<{ name: string; size: number }>
}

/** The functions of miniprogram-ci this project calls. */
export interface MiniprogramCi {
  Project: new (options: ProjectOptions) => unknown
  DefaultProjectAttr: unknown
  packNpmManually(options: {
    packageJsonPath: string
    miniprogramNpmDistDir: string
  }): Promise<{ miniProgramPackNum: number; otherNpmPackNum: number; warnList: PackWarning[] }>
  getCompiledResult(options: CompileOptions, savePath?: string): Promise<Record<string, string | Buffer>>
  upload(options: CompileOptions & { version: string }): Promise<UploadResult>
  preview(options: CompileOptions): Promise<UploadResult>
}

/** Loads miniprogram-ci once. */
export function loadMiniprogramCi(): MiniprogramCi {
  return require('miniprogram-ci') as MiniprogramCi
}

/**
 * Folders of the repository the compiler must not scan: it globs the whole project folder
 * (where project.config.json is) before it looks at `miniprogramRoot`, and node_modules alone is
 * thousands of files.
 */
export const PROJECT_IGNORES = [
  'node_modules/**/*',
  'build/**/*',
  'relay/**/*',
  'preview/**/*',
  'bench/**/*',
  'tests/**/*',
  'scripts/**/*',
  'typings/**/*',
  '.git/**/*',
]

/**
 * The project as WeChat's compiler sees it. Without `privateKeyPath` it works offline: `attr`
 * returns the package's own `DefaultProjectAttr` instead of asking WeChat's servers, and the key
 * is a placeholder the constructor insists on but nothing offline reads.
 */
export function createProject(
  ci: MiniprogramCi,
  options: { root: string; appid: string; privateKeyPath?: string },
): unknown {
  const base = {
    appid: options.appid,
    type: 'miniProgram' as const,
    projectPath: options.root,
    ignores: PROJECT_IGNORES,
  }
  if (options.privateKeyPath) return new ci.Project({ ...base, privateKeyPath: options.privateKeyPath })
  return new ci.Project({ ...base, privateKey: 'offline', attr: async () => ci.DefaultProjectAttr })
}

/** The repository's project.config.json. */
export function readProjectConfig(root: string): { appid: string; miniprogramRoot: string } {
  return require(join(root, 'project.config.json')) as { appid: string; miniprogramRoot: string }
}
