import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpOk, waitFor } from './ports';

export const nginxConfig = fileURLToPath(new URL('../nginx/nginx.conf', import.meta.url));

/**
 * The deployment's nginx.conf, pointed at loopback instances: the same proxy settings as in
 * docker compose, only the upstream addresses, the listen port and the scratch paths differ.
 */
export function localNginxConfig(
  template: string,
  opts: { port: number; upstreams: number[]; dir: string },
): string {
  const servers = opts.upstreams
    .map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`)
    .join('\n');
  const config = template
    .replace(/(\n\s*server api\d+:3000[^;]*;)+/, `\n${servers}`)
    .replace('listen 80;', `listen 127.0.0.1:${opts.port};`)
    .replace('pid /tmp/nginx.pid;', `pid ${join(opts.dir, 'nginx.pid')};`)
    .replace('access_log /dev/stdout;', 'access_log off;')
    .replace('error_log /dev/stderr warn;', `error_log ${join(opts.dir, 'error.log')} warn;`)
    .replaceAll(/\/tmp\/nginx-(\w+)/g, (_m, name: string) => join(opts.dir, name));
  if (!config.includes(`127.0.0.1:${opts.upstreams[0] ?? 0}`))
    throw new Error('nginx.conf has no upstream to rewrite');
  return config;
}

export async function startNginx(opts: { port: number; upstreams: number[]; dir: string }) {
  mkdirSync(opts.dir, { recursive: true });
  const file = join(opts.dir, 'nginx.conf');
  writeFileSync(file, localNginxConfig(readFileSync(nginxConfig, 'utf8'), opts));
  const log = openSync(join(opts.dir, 'nginx.out'), 'a');
  const child: ChildProcess = spawn(
    'nginx',
    ['-c', file, '-p', opts.dir, '-g', 'daemon off; error_log stderr warn;'],
    {
      stdio: ['ignore', log, log],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor('nginx', () => httpOk(`http://127.0.0.1:${opts.port}/healthz`));
  return {
    url: `http://127.0.0.1:${opts.port}`,
    port: opts.port,
    async stop() {
      child.kill('SIGQUIT');
      await exited;
    },
  };
}
