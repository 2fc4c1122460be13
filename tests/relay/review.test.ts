/**
 * What WeChat review needs from the relay: GET /v1/app-info (service, AI label, models with filing
 * numbers, agreement and privacy texts) and POST /v1/feedback (👍 / 👎 / 举报), over real sockets,
 * with the file store and a real Redis, and the operator's `npm run reports`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../relay/src/index'
import { parseReportArgs, parseSince } from '../../relay/src/review/reports-cli'
import { startRedis } from '../support/redis-server'
import { spawnRelay } from '../support/relay-process'
import { request, startTestRelay, type TestRelay } from './helpers'

const ROOT = join(__dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'relay-review-'))
const auth = { Authorization: 'Bearer t0k3n-review' }

function post(relay: TestRelay, body: unknown, headers: Record<string, string> = {}) {
  return request(`${relay.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

function fileLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('GET /v1/app-info', () => {
  let relay: TestRelay
  afterEach(() => relay?.close())

  test('from variables: service, label, the demo model described as a demo, filings, agreement texts', async () => {
    relay = await startTestRelay({
      RELAY_TOKENS: 't0k3n-review',
      RELAY_MODELS: 'demo,deepseek-chat',
      RELAY_SERVICE_NAME: '小智问答',
      RELAY_SUPPORT_CONTACT: 'support@example.com',
      RELAY_MODEL_FILINGS: 'deepseek-chat=Beijing-DeepSeek-20240328',
    })
    expect((await request(`${relay.url}/v1/app-info`)).status).toBe(401)
    const res = await request(`${relay.url}/v1/app-info`, { headers: auth })
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('private, max-age=300')
    const info = JSON.parse(res.text)
    expect(info.service).toEqual({ name: '小智问答', support: 'support@example.com' })
    expect(info.aiLabel).toBe('内容由 AI 生成')
    expect(info.models).toEqual([
      {
        id: 'demo',
        name: expect.stringContaining('演示'),
        provider: expect.any(String),
        filing: expect.stringContaining('演示'),
        vision: true,
      },
      { id: 'deepseek-chat', name: 'deepseek-chat', provider: '', filing: 'Beijing-DeepSeek-20240328' },
    ])
    expect(info.agreement).toMatchObject({ version: expect.any(String), title: '用户协议' })
    expect(info.agreement.text).toContain('小智问答')
    expect(info.privacy.text).toContain('support@example.com')
    expect(info.privacy.text).toContain('【运营主体名称】')
    expect(res.text).not.toContain('t0k3n-review')
  })

  test('from RELAY_APP_INFO_FILE, validated', async () => {
    const file = join(dir, 'app-info.json')
    writeFileSync(
      file,
      JSON.stringify({
        service: { name: '文件里的服务', support: '400-000-0000' },
        aiLabel: '本回答由人工智能生成',
        models: [
          {
            id: 'qwen-plus',
            name: '通义千问',
            provider: '阿里云',
            filing: 'Zhejiang-TongyiQianwen-20230906',
          },
        ],
        agreement: { version: '3', title: '用户协议', text: '协议正文' },
        privacy: { version: '2', title: '隐私政策', text: '隐私正文' },
      }),
    )
    relay = await startTestRelay({ RELAY_APP_INFO_FILE: file })
    const info = JSON.parse((await request(`${relay.url}/v1/app-info`)).text)
    expect(info.aiLabel).toBe('本回答由人工智能生成')
    expect(info.models[0]).toEqual({
      id: 'qwen-plus',
      name: '通义千问',
      provider: '阿里云',
      filing: 'Zhejiang-TongyiQianwen-20230906',
    })
    expect(info.models.map((m: { id: string }) => m.id)).toContain('demo')
    expect(info.agreement.version).toBe('3')
  })

  test('a bad file or filing list is refused at start, naming the problem', async () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ service: { name: '' }, models: [], agreement: {}, privacy: {} }))
    expect(() => loadConfig({ RELAY_APP_INFO_FILE: bad })).toThrow(
      /RELAY_APP_INFO_FILE .*bad\.json: service\.name must be a non-empty string/,
    )
    expect(() => loadConfig({ RELAY_APP_INFO_FILE: join(dir, 'missing.json') })).toThrow(
      /RELAY_APP_INFO_FILE .*missing\.json/,
    )
    writeFileSync(bad, '{ not json')
    expect(() => loadConfig({ RELAY_APP_INFO_FILE: bad })).toThrow(/RELAY_APP_INFO_FILE/)
    expect(() => loadConfig({ RELAY_MODEL_FILINGS: 'deepseek-chat' })).toThrow(
      /RELAY_MODEL_FILINGS must be model=filing pairs/,
    )
    // The process itself: a clear message and exit code 1, not a relay serving nothing.
    await expect(spawnRelay({ RELAY_APP_INFO_FILE: bad })).rejects.toThrow(
      /exited with 1[\s\S]*RELAY_APP_INFO_FILE/,
    )
  })
})

describe('POST /v1/feedback', () => {
  let relay: TestRelay
  afterEach(() => relay?.close())

  test('stores up, down and reports durably in the file; the caller as a salted hash, text only for reports', async () => {
    const file = join(dir, 'feedback-a.jsonl')
    relay = await startTestRelay({
      RELAY_TOKENS: 't0k3n-review',
      RELAY_FEEDBACK_FILE: file,
      RELAY_HASH_SALT: 'pepper',
    })
    const up = await post(relay, {
      kind: 'up',
      generationId: 'gen_12345678',
      model: 'demo',
      content: '不该保存',
    })
    expect(up.status).toBe(201)
    expect(JSON.parse(up.text)).toEqual({ id: expect.any(String) })
    const report = await post(relay, {
      kind: 'report',
      reason: 'false',
      note: '数据不对',
      content: '被举报的回答全文',
      generationId: 'gen_12345678',
    })
    expect(report.status).toBe(201)
    const [a, b] = fileLines(file)
    expect(a).toMatchObject({ kind: 'up', model: 'demo', generationId: 'gen_12345678' })
    expect(a).not.toHaveProperty('content')
    expect(b).toMatchObject({
      kind: 'report',
      reason: 'false',
      note: '数据不对',
      content: '被举报的回答全文',
    })
    expect(b?.id).toBe(JSON.parse(report.text).id)
    expect(Date.parse(String(b?.at))).toBeGreaterThan(Date.now() - 60_000)
    expect(a?.caller).toBe(b?.caller)
    expect(readFileSync(file, 'utf8')).not.toContain('t0k3n-review')
    expect(String(a?.caller)).toMatch(/^[0-9a-f]{24}$/)
  })

  test.each([
    ['an unknown kind', { kind: 'like' }, /kind must be/],
    ['a report without a reason', { kind: 'report' }, /a report needs a reason/],
    ['an unknown reason', { kind: 'report', reason: 'boring' }, /reason must be one of/],
    ['a 501-character note', { kind: 'down', note: 'x'.repeat(501) }, /note must be at most 500/],
    [
      '20,001 characters of content',
      { kind: 'report', reason: 'other', content: 'x'.repeat(20_001) },
      /content must be at most 20000/,
    ],
    ['a malformed generation id', { kind: 'up', generationId: 'bad id!' }, /generationId must match/],
    ['an unknown field', { kind: 'up', admin: true }, /unknown field "admin"/],
    ['an array', [1, 2], /body must be a JSON object/],
  ])('%s is a 400 with a reason', async (_name, body, message) => {
    relay = await startTestRelay({
      RELAY_TOKENS: 't0k3n-review',
      RELAY_FEEDBACK_FILE: join(dir, 'feedback-b.jsonl'),
    })
    const res = await post(relay, body)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).error.message).toMatch(message)
  })

  test('auth, content type, broken JSON and the rate limit', async () => {
    relay = await startTestRelay({
      RELAY_TOKENS: 't0k3n-review',
      RELAY_FEEDBACK_FILE: join(dir, 'feedback-c.jsonl'),
      RELAY_FEEDBACK_RATE_LIMIT: '2',
    })
    expect((await post(relay, { kind: 'up' }, { Authorization: '' })).status).toBe(401)
    expect((await post(relay, { kind: 'up' }, { 'Content-Type': 'text/plain' })).status).toBe(415)
    expect((await post(relay, '{"kind":')).status).toBe(400)
    const after = await post(relay, { kind: 'down' })
    expect(after.status).toBe(429)
    expect(Number(after.headers['retry-after'])).toBeGreaterThan(0)
    expect(JSON.parse(after.text).error.code).toBe('rate_limited')
  })
})

describe('feedback in Redis and the operator CLI', () => {
  test('with REDIS_URL feedback goes to a shared stream, and `npm run reports` lists the reports since then', async () => {
    const redis = await startRedis()
    const relay = await startTestRelay({
      REDIS_URL: redis.url,
      RELAY_FEEDBACK_FILE: join(dir, 'unused.jsonl'),
    })
    try {
      await post(relay, { kind: 'up' })
      const report = await post(relay, { kind: 'report', reason: 'porn', content: '违规回答', model: 'demo' })
      expect(report.status).toBe(201)
      const cli = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'relay/src/review/reports-cli.ts'), '--since', '1h'],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REDIS_URL: redis.url }, timeout: 30_000 },
      )
      expect(cli.status).toBe(0)
      expect(cli.stdout).toContain('report (porn)')
      expect(cli.stdout).toContain('违规回答')
      expect(cli.stdout).not.toMatch(/\bup\b.*caller/)
      const all = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'relay/src/review/reports-cli.ts'),
          '--since',
          '1h',
          '--kind',
          'all',
          '--json',
        ],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REDIS_URL: redis.url }, timeout: 30_000 },
      )
      expect(JSON.parse(all.stdout).map((r: { kind: string }) => r.kind)).toEqual(['up', 'report'])
    } finally {
      await relay.close()
      await redis.stop()
    }
  }, 60_000)

  test('the CLI reads the file store and parses its arguments', () => {
    const file = join(dir, 'feedback-cli.jsonl')
    const old = { id: 'a', at: '2020-01-01T00:00:00.000Z', kind: 'report', caller: 'x', reason: 'other' }
    const recent = {
      id: 'b',
      at: new Date().toISOString(),
      kind: 'report',
      caller: 'y',
      reason: 'rights',
      note: '侵权',
    }
    writeFileSync(file, `${JSON.stringify(old)}\n${JSON.stringify(recent)}\n`)
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'relay/src/review/reports-cli.ts'), '--since', '2d'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, RELAY_FEEDBACK_FILE: file, REDIS_URL: '' },
        timeout: 30_000,
      },
    )
    expect(cli.stdout).toContain('report (rights)')
    expect(cli.stdout).toContain('note: 侵权')
    expect(cli.stdout).not.toContain('2020-01-01')
    const now = new Date('2026-12-03T12:00:00Z')
    expect(parseSince('2d', now).toISOString()).toBe('2026-12-01T12:00:00.000Z')
    expect(parseSince('30m', now).toISOString()).toBe('2026-12-03T11:30:00.000Z')
    expect(() => parseSince('yesterday', now)).toThrow(/--since takes/)
    expect(parseReportArgs([], now)).toMatchObject({ kind: 'report', json: false })
    expect(() => parseReportArgs(['--kind', 'spam'], now)).toThrow(/--kind/)
  })
})
