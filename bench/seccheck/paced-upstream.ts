import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** An OpenAI-compatible upstream that streams a fixed answer at a human pace. */
export interface PacedUpstream {
  /** Base URL with `/v1`. */
  url: string
  /** When each request arrived (`performance.now()`), by its last message's text. */
  arrivals: Map<string, number>
  close(): Promise<void>
}

const frame = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

/**
 * Streams `tokens` as content deltas, `charsPerSecond` of them a second (a token goes out when the
 * text before it is due), then a finish reason, usage and `[DONE]`. `charsPerSecond` 0 sends the
 * whole answer at once.
 */
export async function startPacedUpstream(tokens: string[], charsPerSecond: number): Promise<PacedUpstream> {
  const arrivals = new Map<string, number>()
  const server = http.createServer((req, res) => {
    const arrived = performance.now()
    const body: Buffer[] = []
    req.on('data', (chunk: Buffer) => body.push(chunk))
    req.on('end', async () => {
      const messages = JSON.parse(Buffer.concat(body).toString()).messages as Array<{ content: string }>
      arrivals.set(messages.at(-1)?.content ?? '', arrived)
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      res.write(frame({ role: 'assistant', content: '' }))
      const started = Date.now()
      let sent = 0
      for (const token of tokens) {
        if (res.destroyed) return
        const due = charsPerSecond > 0 ? started + (sent * 1000) / charsPerSecond : 0
        const wait = due - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        res.write(frame({ content: token }))
        sent += token.length
      }
      res.write(frame({}, 'stop'))
      const usage = { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length }
      res.write(`data: ${JSON.stringify({ id: 'bench', choices: [], usage })}\n\n`)
      res.end('data: [DONE]\n\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
