/** `npm run mp:upload` / `mp:preview`: what can be checked without WeChat's servers. */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planDeploy } from '../../scripts/wechat/deploy'

const key = join(tmpdir(), `wechat-upload-key-${process.pid}.key`)
writeFileSync(key, '-----BEGIN RSA PRIVATE KEY-----\nnot a real key\n-----END RSA PRIVATE KEY-----\n')
const env = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_PRIVATE_KEY_PATH: key }

test('an upload with appid, key and version is planned as asked', () => {
  const planned = planDeploy(
    ['upload', '--version', '1.4.0', '--desc', '修复', '--robot', '3'],
    env,
    'touristappid',
    '0.1.0',
  )
  expect(planned).toEqual({
    plan: expect.objectContaining({
      action: 'upload',
      appid: env.WECHAT_APPID,
      version: '1.4.0',
      desc: '修复',
      robot: 3,
    }),
  })
})

test('version and robot default from package.json and robot 1', () => {
  const planned = planDeploy(['preview', '--page', 'pages/chat/index'], env, 'touristappid', '0.1.0')
  expect(planned).toEqual({
    plan: expect.objectContaining({
      action: 'preview',
      version: '0.1.0',
      desc: 'v0.1.0',
      robot: 1,
      page: 'pages/chat/index',
    }),
  })
})

test('a real appid in project.config.json is used when WECHAT_APPID is not set', () => {
  const planned = planDeploy(['upload'], { WECHAT_PRIVATE_KEY_PATH: key }, 'wxfedcba9876543210', '0.1.0')
  expect(planned).toEqual({ plan: expect.objectContaining({ appid: 'wxfedcba9876543210' }) })
})

test('missing appid and key are both named, with where to get the key', () => {
  const planned = planDeploy(['upload'], {}, 'touristappid', '0.1.0')
  expect('error' in planned && planned.error).toMatch(/^mp:upload needs:/)
  expect('error' in planned && planned.error).toMatch(/WECHAT_APPID/)
  expect('error' in planned && planned.error).toMatch(
    /WECHAT_PRIVATE_KEY_PATH \(the code-upload key: mp\.weixin\.qq\.com/,
  )
})

test('a key path that does not exist is refused', () => {
  const planned = planDeploy(
    ['preview'],
    { ...env, WECHAT_PRIVATE_KEY_PATH: '/nonexistent/key' },
    'x',
    '0.1.0',
  )
  expect('error' in planned && planned.error).toMatch(/\/nonexistent\/key, which does not exist/)
})

test.each([
  [['deploy'], /usage:/],
  [['upload', '--version', 'latest'], /--version must look like 1\.2\.3/],
  [['upload', '--robot', '31'], /--robot must be a whole number from 1 to 30/],
])('%j is refused', (args, message) => {
  const planned = planDeploy(args, env, 'touristappid', '0.1.0')
  expect('error' in planned && planned.error).toMatch(message)
})

test('a flag without its value keeps the default instead of taking the next flag', () => {
  const planned = planDeploy(['upload', '--robot', '--dry-run'], env, 'touristappid', '0.1.0')
  expect(planned).toEqual({ plan: expect.objectContaining({ robot: 1, dryRun: true }) })
})

test('a dry run needs no credentials (it only builds)', () => {
  const planned = planDeploy(['upload', '--dry-run'], {}, 'touristappid', '0.1.0')
  expect(planned).toEqual({ plan: expect.objectContaining({ dryRun: true, appid: '' }) })
})
