/**
 * `npm run build:mp`: the mini program as WeChat's toolchain builds it, offline.
 *   1. runtime npm dependencies → miniprogram/miniprogram_npm (WeChat's packer, see npm-deps.ts);
 *   2. WeChat's compiler with our project.config.json → build/wechat/package/ (the code package);
 *   3. build/wechat/report.json and a summary: package size against the 500 KB budget.
 * Exits 1 on a packer warning, a source with code left out of the package, another compiler
 * warning, or a package over budget. `--skip-npm` reuses an existing miniprogram_npm.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type CompileReport, compileMiniProgram, MAIN_PACKAGE_BUDGET_BYTES } from './compile'
import { buildWechatNpm, ROOT } from './npm-deps'

/** Where the compiled package and its report go. */
export const BUILD_DIR = join(ROOT, 'build', 'wechat')
export const PACKAGE_DIR = join(BUILD_DIR, 'package')
export const REPORT_PATH = join(BUILD_DIR, 'report.json')

/** The problems that make a build unshippable, in words a developer can act on. */
export function buildProblems(report: CompileReport): string[] {
  const problems: string[] = []
  for (const path of report.droppedWithCode) {
    problems.push(
      `left out of the package by WeChat's dependency analysis: ${path} (import files, not folders)`,
    )
  }
  for (const warning of report.warnings) problems.push(`compiler warning: ${warning}`)
  if (report.totalBytes > MAIN_PACKAGE_BUDGET_BYTES) {
    problems.push(`main package ${kb(report.totalBytes)} is over the ${kb(MAIN_PACKAGE_BUDGET_BYTES)} budget`)
  }
  return problems
}

/** Bytes as kilobytes with one decimal, as WeChat's tools show package sizes. */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`
}

/** Runs the whole build; returns the report and its problems (empty = shippable). */
export async function buildMiniProgram(options: { skipNpm?: boolean } = {}): Promise<{
  report: CompileReport
  problems: string[]
}> {
  if (!options.skipNpm) await buildWechatNpm()
  const report = await compileMiniProgram(ROOT, PACKAGE_DIR)
  writeFileSync(REPORT_PATH, `${JSON.stringify(report, null, 2)}\n`)
  return { report, problems: buildProblems(report) }
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  buildMiniProgram({ skipNpm: process.argv.includes('--skip-npm') })
    .then(({ report, problems }) => {
      const files = Object.keys(report.files).length
      console.log(
        `WeChat package: ${files} files, ${kb(report.totalBytes)} (budget ${kb(MAIN_PACKAGE_BUDGET_BYTES)})`,
      )
      console.log(`compiled in ${report.compileMs} ms into ${PACKAGE_DIR}`)
      if (report.droppedTypeOnly.length > 0) {
        console.log(`type-only sources (nothing to package): ${report.droppedTypeOnly.length}`)
      }
      for (const problem of problems) console.error(`✗ ${problem}`)
      process.exit(problems.length > 0 ? 1 : 0)
    })
    .catch((error: Error) => {
      console.error(error.message)
      process.exit(1)
    })
}
