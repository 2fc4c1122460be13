import { superviseRelay } from './relay-process'
import { startPreview } from './server'

/**
 * `npm start`: the relay (demo model unless UPSTREAM_BASE_URL is set; PORT, default 8787) as a
 * supervised child process, plus the preview (PREVIEW_PORT, default 5173) whose app talks to it.
 */
async function main(): Promise<void> {
  let relayUrl = () => `http://127.0.0.1:${process.env.PORT ?? 8787}`
  const preview = await startPreview({
    port: Number(process.env.PREVIEW_PORT ?? 5173),
    relayUrl: () => relayUrl(),
  })
  // The preview page is another origin: let it call the relay unless CORS was configured explicitly.
  const origins = `http://127.0.0.1:${preview.port},http://localhost:${preview.port}`
  const relay = await superviseRelay({
    ...process.env,
    RELAY_CORS_ORIGINS: process.env.RELAY_CORS_ORIGINS ?? origins,
  })
  relayUrl = relay.url
  const demo = process.env.UPSTREAM_BASE_URL ? '' : '  （演示模型 demo，无需 API Key）'
  console.log(`\n  中转服务（relay）：${relay.url()}${demo}`)
  console.log(`  浏览器预览：      ${preview.url}\n`)
  const stop = () => {
    Promise.all([preview.close(), relay.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: Error) => {
  console.error(`启动失败：${error.message}`)
  process.exit(1)
})
