import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './ports';

export const caddyfile = fileURLToPath(new URL('../caddy/Caddyfile', import.meta.url));

export interface LocalCaddyOptions {
  /** The HTTPS port Caddy listens on (loopback). */
  port: number;
  /** NGINX's port on loopback. */
  upstreamPort: number;
  /** Caddy's storage (certificates, its local CA) and its config file. */
  dir: string;
}

/**
 * The deployment's Caddyfile on loopback: the same site block, with its own storage folder and
 * HTTP port (nothing written to the machine's trust store or home), in front of local NGINX.
 */
export function localCaddyConfig(template: string, opts: LocalCaddyOptions & { httpPort: number }): string {
  const config = template
    .replace(
      'skip_install_trust',
      `skip_install_trust\n\thttp_port ${opts.httpPort}\n\tstorage file_system {\n\t\troot ${join(opts.dir, 'data')}\n\t}`,
    )
    .replace('reverse_proxy nginx:80', `reverse_proxy 127.0.0.1:${opts.upstreamPort}`);
  if (!config.includes(`127.0.0.1:${opts.upstreamPort}`))
    throw new Error('Caddyfile has no upstream to rewrite');
  return config;
}

/** Caddy's local CA root (made by `tls internal`), which signs the loopback certificate. */
export function localRootCertificate(dir: string): string {
  return join(dir, 'data', 'pki', 'authorities', 'local', 'root.crt');
}

/** An HTTPS request that checks the certificate against the given CA, as a browser trusting it would. */
export function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** Caddy with a `tls internal` certificate for localhost, in front of local NGINX. */
export async function startCaddy(opts: LocalCaddyOptions) {
  mkdirSync(opts.dir, { recursive: true });
  const file = join(opts.dir, 'Caddyfile');
  writeFileSync(
    file,
    localCaddyConfig(readFileSync(caddyfile, 'utf8'), { ...opts, httpPort: await freePort() }),
  );
  const log = openSync(join(opts.dir, 'caddy.log'), 'a');
  const child: ChildProcess = spawn('caddy', ['run', '--adapter', 'caddyfile', '--config', file], {
    env: {
      PATH: process.env.PATH,
      // Caddy keeps its autosaved config and anything else under these, never in $HOME.
      HOME: opts.dir,
      XDG_CONFIG_HOME: join(opts.dir, 'config'),
      XDG_DATA_HOME: join(opts.dir, 'data'),
      PIGEON_DOMAIN: `localhost:${opts.port}`,
      PIGEON_TLS: 'internal',
    },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `https://localhost:${opts.port}`;
  const root = localRootCertificate(opts.dir);
  await waitFor('caddy', async () => {
    if (child.exitCode !== null)
      throw new Error(`caddy exited with ${child.exitCode}; see ${opts.dir}/caddy.log`);
    return existsSync(root) && (await httpsStatus(`${url}/healthz`, readFileSync(root, 'utf8'))) === 200;
  });
  return {
    url,
    /** The PEM of the CA that signed the certificate, for clients that should trust it. */
    rootCertificate: readFileSync(root, 'utf8'),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
