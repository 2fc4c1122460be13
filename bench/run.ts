/**
 * `npm run bench`: runs every benchmark script in bench/ as its own process (so
 * one cannot warm up or pollute another), prints their output, and ends with one
 * JSON line combining the JSON line each script printed last.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const only = process.argv.slice(2)
const scripts = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort()

const results: Record<string, unknown> = {}
let failed = false
for (const script of scripts) {
  const name = script.slice(0, -'.bench.ts'.length)
  console.log(`\n=== ${name}`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(__dirname, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  })
  const lines = run.stdout.trimEnd().split('\n')
  const last = lines.pop() ?? ''
  console.log(lines.join('\n'))
  try {
    results[name] = JSON.parse(last)
  } catch {
    console.log(last)
    results[name] = { error: `no JSON line (exit ${run.status})` }
    failed = true
  }
  if (run.status !== 0) failed = true
}
console.log(JSON.stringify({ bench: results }))
process.exit(failed ? 1 : 0)
