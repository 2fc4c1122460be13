/**
 * `npm run reports -- --since 2d [--kind report|up|down|all] [--json]`: what users reported (or
 * rated) lately, from the relay's feedback store — Redis when REDIS_URL is set, otherwise
 * RELAY_FEEDBACK_FILE (default data/feedback.jsonl) — for the operator who must handle reports.
 */
import { resolve } from 'node:path'
import type { FeedbackRecord } from './feedback'
import { createFeedbackStore } from './feedback-store'

/** What the command line asks for. */
export interface ReportQuery {
  since: Date
  kind: FeedbackRecord['kind'] | 'all'
  json: boolean
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `--since 2d` / `12h` / `30m` / an ISO date → the time it means; throws on anything else. */
export function parseSince(value: string, now: Date): Date {
  const relative = /^(\d+)([mhd])$/.exec(value.trim())
  if (relative)
    return new Date(now.getTime() - Number(relative[1]) * (UNITS[relative[2] as string] as number))
  const at = Date.parse(value)
  if (Number.isNaN(at)) throw new Error(`--since takes 30m, 12h, 2d or a date, got "${value}"`)
  return new Date(at)
}

/** The command line → a query (defaults: the last day's reports, as a table). */
export function parseReportArgs(args: string[], now: Date): ReportQuery {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : undefined
  }
  const kind = value('--kind') ?? 'report'
  if (!['report', 'up', 'down', 'all'].includes(kind)) throw new Error('--kind takes report, up, down or all')
  return {
    since: parseSince(value('--since') ?? '1d', now),
    kind: kind as ReportQuery['kind'],
    json: args.includes('--json'),
  }
}

function oneLine(text: string | undefined, max: number): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

/** Records as the operator reads them: one block per record, newest last. */
export function formatReports(records: FeedbackRecord[]): string {
  if (records.length === 0) return 'no feedback in that period'
  return records
    .map((r) =>
      [
        `${r.at}  ${r.kind}${r.reason ? ` (${r.reason})` : ''}  id ${r.id}  caller ${r.caller}`,
        `  model ${r.model ?? '-'}  generation ${r.generationId ?? '-'}  request ${r.requestId ?? '-'}`,
        r.note ? `  note: ${oneLine(r.note, 200)}` : '',
        r.content ? `  answer: ${oneLine(r.content, 300)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n')
}

/** Runs the query against the configured store. */
export async function listReports(query: ReportQuery, env: NodeJS.ProcessEnv): Promise<FeedbackRecord[]> {
  const store = createFeedbackStore(
    env.REDIS_URL?.trim() || null,
    env.RELAY_FEEDBACK_FILE?.trim() || 'data/feedback.jsonl',
  )
  try {
    const records = await store.since(query.since)
    return query.kind === 'all' ? records : records.filter((r) => r.kind === query.kind)
  } finally {
    await store.close()
  }
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  const run = async () => {
    const query = parseReportArgs(process.argv.slice(2), new Date())
    const records = await listReports(query, process.env)
    console.log(query.json ? JSON.stringify(records, null, 2) : formatReports(records))
  }
  run().catch((error: Error) => {
    console.error(`reports: ${error.message}`)
    process.exit(1)
  })
}
