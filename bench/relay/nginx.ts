/**
 * The reference: Debian's nginx configured as a plain streaming reverse proxy in front
 * of the emitter (what issue 3 asks the relay to be compared with). One worker, like the
 * single-process relay, so the comparison is per core.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Child, freePort, waitForPort, wrap } from './procs'

const NGINX = '/usr/sbin/nginx'

/** A running nginx: its URL, master process, and the worker that does the proxying. */
export interface Nginx {
  url: string
  child: Child
  workerPid(): number
  stop(): Promise<void>
}

function config(dir: string, port: number, upstreamPort: number): string {
  // Debian's build points temp paths at /var/lib/nginx; keep everything in our temp dir.
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `  ${name}_temp_path ${join(dir, name)};`)
    .join('\n')
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
worker_processes 1;
worker_rlimit_nofile 20000;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 16000; }
http {
  access_log off;
${temp}
  upstream emitter {
    server 127.0.0.1:${upstreamPort};
    keepalive 1024;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://emitter;
      proxy_http_version 1.1;
      proxy_set_header Connection '';
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 600s;
      proxy_send_timeout 600s;
    }
  }
}
`
}

/** Starts nginx in front of 127.0.0.1:upstreamPort, or the reason it cannot run. */
export async function startNginx(upstreamPort: number): Promise<Nginx | string> {
  if (!existsSync(NGINX)) return `${NGINX} not found`
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-nginx-'))
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, config(dir, port, upstreamPort))
  const child = wrap(spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] }))
  try {
    await waitForPort(port, child)
  } catch (error) {
    await child.stop()
    rmSync(dir, { recursive: true, force: true })
    return `nginx did not start: ${(error as Error).message}`
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    workerPid() {
      try {
        const first = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
          .trim()
          .split(' ')[0]
        return first ? Number(first) : -1
      } catch {
        return -1
      }
    },
    async stop() {
      await child.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
