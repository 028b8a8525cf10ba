import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalS3, type LocalS3 } from '@pigeon/media/testing';
import { startCaddy } from './caddy';
import { startNginx } from './nginx';
import { freePort, httpOk, waitFor } from './ports';

const serverDir = fileURLToPath(new URL('../../apps/server/', import.meta.url));
/** The built server (`pnpm --filter @pigeon/server build`): what the image runs, run the same way. */
const serverMain = 'dist/main.js';
/**
 * Node flags of a server on PostgreSQL, as docker-compose.yml's api services run it (a test holds
 * the two together). A young generation of 16 MB from the start instead of growing from 1 MB: the
 * first seconds under load scavenge far less and promote less into the old generation
 * (docs/benchmarks.md: the first second's p50 at 1,500 msg/s 61-114 -> 42-44 ms in four pairs).
 * Not for the embedded default, where it costs resident memory a small host needs.
 */
export const serverNodeFlags = ['--min-semi-space-size=16'] as const;

export interface ClusterOptions {
  instances?: number;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix?: string;
  jwtSecret: string;
  /** The public port (Caddy's with `tls`, else NGINX's); a free one when 0 or absent. */
  port?: number;
  /** Put Caddy in front, with a certificate from its own local CA: https:// and wss://. */
  tls?: boolean;
  logLevel?: string;
  /** Where logs and nginx's files go; a new temporary folder when absent. */
  dir?: string;
  env?: Record<string, string>;
  /** Extra Node flags for every instance (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /**
   * Where the S3-compatible server (s3rver) that every instance stores files in keeps its data;
   * `<dir>/s3` when absent. Not started when `env` sets STORAGE_DRIVER itself.
   */
  s3Directory?: string;
}

/** One Pigeon server process; it can be killed and started again on the same port. */
export class Instance {
  child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    private readonly nodeArgs: readonly string[] = [],
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(join(serverDir, serverMain)))
      throw new Error(`No built server in ${serverDir}dist: run pnpm --filter @pigeon/server build.`);
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [...serverNodeFlags, ...this.nodeArgs, serverMain], {
      cwd: serverDir,
      env: { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', log, log],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(`instance ${this.index}`, async () => {
      if (child.exitCode !== null)
        throw new Error(`instance ${this.index} exited with ${child.exitCode}; see ${this.logFile}`);
      return httpOk(`${this.url}/readyz`);
    });
  }

  /** Sends a signal and waits for the process to end (SIGKILL: at once; SIGTERM: after draining). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    const code = await this.exited;
    return code;
  }
}

export interface Cluster {
  /** The public entry: Caddy's https:// URL with `tls`, else NGINX's. */
  url: string;
  /** NGINX's plain-HTTP URL on loopback. */
  nginxUrl: string;
  /** With `tls`: the PEM of the local CA that signed Caddy's certificate. */
  rootCertificate?: string;
  instances: Instance[];
  /** The instances' shared bucket (absent when `env` chose the storage). */
  s3?: LocalS3['options'] | undefined;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The production topology with real processes on loopback: N server instances on PostgreSQL
 * and Redis, behind NGINX with the deployment's own config.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pigeon-cluster-'));
  // One bucket for all instances, as in production: a file uploaded through one instance is
  // served by any other.
  const s3: LocalS3 | null =
    options.env?.STORAGE_DRIVER === undefined
      ? await startLocalS3({ bucket: 'pigeon', directory: options.s3Directory ?? join(dir, 's3') })
      : null;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix ?? 'pigeon:',
    JWT_SECRET: options.jwtSecret,
    LOG_LEVEL: options.logLevel ?? 'warn',
    SHUTDOWN_GRACE_MS: '3000',
    // NGINX in front sets X-Real-IP; per-address limits need the client's, not NGINX's.
    TRUST_PROXY: 'true',
    ...(s3 && {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: s3.options.endpoint,
      S3_REGION: s3.options.region,
      S3_BUCKET: s3.options.bucket,
      S3_ACCESS_KEY_ID: s3.options.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.options.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    }),
    ...options.env,
  };
  const count = options.instances ?? 3;
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    instances.push(
      new Instance(i + 1, await freePort(), env, join(dir, `api${i + 1}.log`), options.nodeArgs),
    );
  }
  // All at once, as a deployment would: the advisory lock keeps the migrations single.
  await Promise.all(instances.map((instance) => instance.start()));
  const publicPort = options.port || (await freePort());
  const nginx = await startNginx({
    port: options.tls ? await freePort() : publicPort,
    upstreams: instances.map((i) => i.port),
    dir: join(dir, 'nginx'),
  });
  const caddy = options.tls
    ? await startCaddy({ port: publicPort, upstreamPort: nginx.port, dir: join(dir, 'caddy') })
    : null;
  return {
    url: caddy?.url ?? nginx.url,
    nginxUrl: nginx.url,
    rootCertificate: caddy?.rootCertificate,
    instances,
    s3: s3?.options,
    dir,
    async stop() {
      await caddy?.stop();
      await nginx.stop();
      await Promise.all(instances.map((i) => i.stop('SIGTERM')));
      await s3?.stop();
    },
  };
}
