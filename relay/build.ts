/**
 * The relay's production build: one bundle that plain `node` runs (relay/Dockerfile runs
 * `node relay.js`). The relay benchmark and the bundle test build it with these same options,
 * so what they measure is what is deployed, not `tsx` (whose `keepNames` transform adds an
 * `Object.defineProperty` to every closure the relay creates per stream).
 *
 * `npx tsx relay/build.ts [outfile]` (default relay/dist/relay.js).
 */
import { join, resolve } from 'node:path'
import { type BuildOptions, build } from 'esbuild'

const ROOT = join(__dirname, '..')

export const RELAY_BUILD: BuildOptions = {
  entryPoints: [join(ROOT, 'relay/src/main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
}

/**
 * Node flags the bundle runs with (relay/Dockerfile's CMD; a test keeps them in step).
 * `--initial-old-space-size=256`: at 1,000 streams the objects of finished streams fill V8's
 * old generation every ~7 s by default, and each full collection stops every stream for
 * 3–10 ms; with a 256 MB floor it runs about ten times less often. The price is a heap that
 * may grow to ~256 MB before its first full collection: lower it on a container under 512 MB.
 * `--max-semi-space-size=4` (MB; V8 grows it to 16 by default): streams opened together leave
 * their per-stream objects young, and a young-generation collection copies every live one while
 * all streams wait. With a 16 MB semi-space one collection held the objects of up to ~1 s of
 * new streams and paused 3–5 ms; at 4 MB it runs ~4× as often and pauses ~1 ms. The total
 * copying is the same (a long-lived object is copied twice either way), and in six paired runs
 * at 1,000 streams the p99 fell from ~3.0 to ~2.4 ms.
 */
export const RELAY_NODE_FLAGS = ['--initial-old-space-size=256', '--max-semi-space-size=4']

/** Bundles the relay into `outfile`. */
export async function buildRelay(outfile: string): Promise<void> {
  await build({ ...RELAY_BUILD, outfile })
}

// Run as a script (not imported by the bench or a test).
if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  buildRelay(process.argv[2] ?? join(ROOT, 'relay/dist/relay.js')).catch((error: Error) => {
    console.error(error.message)
    process.exit(1)
  })
}
