/**
 * `npm run mp:upload -- --version 1.2.0 [--desc "…"] [--robot 1]` and
 * `npm run mp:preview -- [--page pages/chat/index] [--qrcode build/wechat/preview-qrcode.jpg]`:
 * ship the mini program from a terminal or CI the way WeChat documents (miniprogram-ci), after the
 * same offline build `npm run build:mp` does — so a package over budget or with a broken require
 * never reaches WeChat. `--dry-run` stops after that build.
 *
 * Needs WECHAT_APPID (or a real appid in project.config.json) and WECHAT_PRIVATE_KEY_PATH: the
 * code-upload key from mp.weixin.qq.com → 开发管理 → 开发设置 → 小程序代码上传, whose IP whitelist
 * must include this machine.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { buildMiniProgram, kb } from './build'
import { createProject, loadMiniprogramCi, readProjectConfig } from './ci'
import { ROOT } from './npm-deps'

/** What one deploy does, from the command line and the environment. */
export interface DeployPlan {
  action: 'upload' | 'preview'
  appid: string
  privateKeyPath: string
  version: string
  desc: string
  robot: number
  page?: string
  qrcodePath: string
  dryRun: boolean
}

/** The placeholder appid DevTools uses for a project without one: it cannot be uploaded. */
const TOURIST_APPID = 'touristappid'

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const value = args[i + 1]
  return value === undefined || value.startsWith('--') ? '' : value
}

/**
 * Reads argv (after the script) and the environment into a plan, or explains what is missing in
 * a message a developer can act on.
 */
export function planDeploy(
  args: string[],
  env: Record<string, string | undefined>,
  projectAppid: string,
  packageVersion: string,
): { plan: DeployPlan } | { error: string } {
  const action = args[0]
  if (action !== 'upload' && action !== 'preview') {
    return {
      error: 'usage: deploy.ts upload|preview [--version x.y.z] [--desc text] [--robot 1-30] [--dry-run]',
    }
  }
  const missing: string[] = []
  const appid = env.WECHAT_APPID || (projectAppid !== TOURIST_APPID ? projectAppid : '')
  if (!appid)
    missing.push("WECHAT_APPID (your mini program's AppID; project.config.json has the placeholder)")
  const privateKeyPath = env.WECHAT_PRIVATE_KEY_PATH ?? ''
  if (!privateKeyPath) {
    missing.push(
      'WECHAT_PRIVATE_KEY_PATH (the code-upload key: mp.weixin.qq.com → 开发管理 → 开发设置 → 小程序代码上传)',
    )
  } else if (!existsSync(privateKeyPath)) {
    missing.push(`WECHAT_PRIVATE_KEY_PATH points at ${privateKeyPath}, which does not exist`)
  }
  const dryRun = args.includes('--dry-run')
  if (missing.length > 0 && !dryRun) return { error: `mp:${action} needs:\n  ${missing.join('\n  ')}` }

  const version = flag(args, '--version') || packageVersion
  if (!/^\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/.test(version)) {
    return { error: `--version must look like 1.2.3, got "${version}"` }
  }
  const robotText = flag(args, '--robot') || '1'
  const robot = Number(robotText)
  if (!Number.isInteger(robot) || robot < 1 || robot > 30)
    return { error: '--robot must be a whole number from 1 to 30' }
  const page = flag(args, '--page') || undefined
  return {
    plan: {
      action,
      appid,
      privateKeyPath,
      version,
      desc: flag(args, '--desc') || `v${version}`,
      robot,
      ...(page ? { page } : {}),
      qrcodePath: flag(args, '--qrcode') || join(ROOT, 'build/wechat/preview-qrcode.jpg'),
      dryRun,
    },
  }
}

/** Builds offline, then (unless a dry run) uploads or previews with the real project and key. */
export async function deploy(plan: DeployPlan, log: (line: string) => void = console.log): Promise<void> {
  const { report, problems } = await buildMiniProgram()
  log(`WeChat package: ${Object.keys(report.files).length} files, ${kb(report.totalBytes)}`)
  if (problems.length > 0) throw new Error(`not shipping a broken build:\n  ${problems.join('\n  ')}`)
  if (plan.dryRun) {
    log(
      `dry run: would ${plan.action} ${plan.version} as ${plan.appid || '(no appid)'} with robot ${plan.robot}`,
    )
    return
  }
  const ci = loadMiniprogramCi()
  const project = createProject(ci, { root: ROOT, appid: plan.appid, privateKeyPath: plan.privateKeyPath })
  const common = { project, desc: plan.desc, robot: plan.robot, setting: { useProjectConfig: true } }
  const result =
    plan.action === 'upload'
      ? await ci.upload({ ...common, version: plan.version })
      : await ci.preview({
          ...common,
          qrcodeFormat: 'image',
          qrcodeOutputDest: plan.qrcodePath,
          ...(plan.page ? { pagePath: plan.page } : {}),
        })
  for (const info of result.subPackageInfo ?? []) log(`${info.name}: ${kb(info.size)}`)
  log(plan.action === 'upload' ? `uploaded ${plan.version}` : `preview QR code: ${plan.qrcodePath}`)
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  const pkg = require(join(ROOT, 'package.json')) as { version: string }
  const planned = planDeploy(process.argv.slice(2), process.env, readProjectConfig(ROOT).appid, pkg.version)
  if ('error' in planned) {
    console.error(planned.error)
    process.exit(2)
  }
  deploy(planned.plan)
    .then(() => process.exit(0))
    .catch((error: Error) => {
      console.error(error.message)
      process.exit(1)
    })
}
