import { createRelay, loadConfig } from '../relay/src/index'
import { startPreview } from './server'

/**
 * `npm start`: the relay (demo model unless UPSTREAM_BASE_URL is set; PORT, default 8787) in this process,
 * plus the preview (PREVIEW_PORT, default 5173) whose app talks to that relay.
 */
async function main(): Promise<void> {
  const previewPort = Number(process.env.PREVIEW_PORT ?? 5173)
  const config = loadConfig(process.env)
  const relay = await createRelay(config)
  const preview = await startPreview({ port: previewPort, relayUrl: relay.url })
  // The preview page is another origin: let it call the relay unless CORS was configured explicitly
  // (the relay reads this list on every request, so adding the real port now is enough).
  if (process.env.RELAY_CORS_ORIGINS === undefined) {
    config.corsOrigins.push(`http://127.0.0.1:${preview.port}`, `http://localhost:${preview.port}`)
  }
  console.log(
    `\n  中转服务（relay）：${relay.url}${config.upstream ? '' : '  （演示模型 demo，无需 API Key）'}`,
  )
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
