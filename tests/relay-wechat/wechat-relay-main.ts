/**
 * relay/src/main.ts plus the one wiring line the WeChat layer needs
 * (`config.hooks = wechatHooksFromEnv(process.env)`), so tests can run real relay processes
 * with it before main.ts itself is wired.
 */
import { loadConfig } from '../../relay/src/config'
import { createRelay } from '../../relay/src/server'
import { wechatHooksFromEnv } from '../../relay/src/wechat'

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const hooks = wechatHooksFromEnv(process.env)
  config.hooks = hooks
  const relay = await createRelay(config)
  console.log(`relay listening at ${relay.url}`)
  process.once('SIGTERM', () => {
    Promise.all([relay.close(), hooks?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

main().catch((error: Error) => {
  console.error(`relay: failed to start: ${error.message}`)
  process.exit(1)
})
