import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { caddyfile } from '../src/caddy';
import { serverNodeFlags } from '../src/cluster';
import { localNginxConfig, nginxConfig } from '../src/nginx';

// The deployment files, read as a self-hoster's Docker would read them. There is no Docker
// engine (or Compose v2) here: the rules are checked on the parsed files, and the NGINX and
// Caddy configs by the real nginx and caddy where installed.
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  restart?: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  name: string;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);

describe('docker-compose.yml', () => {
  it('gives every service a restart policy: long-running ones come back, set-up steps run once', () => {
    for (const [name, service] of services) {
      expect(service.restart, name).toBe(['migrate', 'bucket'].includes(name) ? 'no' : 'unless-stopped');
    }
  });

  it('hard-codes no password: each secret comes from .env, required, and .env.example lists it', () => {
    const text = read('docker-compose.yml');
    const required = [...text.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(
      new Set(['POSTGRES_PASSWORD', 'JWT_SECRET', 'PIGEON_DOMAIN', 'PIGEON_TLS', 'MINIO_ROOT_PASSWORD']),
    );
    const example = read('.env.example');
    for (const name of required) expect(example, name).toMatch(new RegExp(`^${name ?? ''}=`, 'm'));
    // No secret values in the example either.
    expect(example).toMatch(/^JWT_SECRET=$/m);
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
    expect(example).toMatch(/^MINIO_ROOT_PASSWORD=$/m);
    expect(compose.services.postgres?.environment?.POSTGRES_PASSWORD).toBe(
      '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}',
    );
    for (const name of ['api1', 'migrate'])
      expect(compose.services[name]?.environment?.DATABASE_URL, name).toContain('${POSTGRES_PASSWORD:?');
    expect(read('.gitignore')).toMatch(/^\.env$/m);
  });

  it('stores files in a pinned MinIO that every instance uses, and keeps them in a volume', () => {
    const minio = compose.services.minio;
    expect(minio?.image).toMatch(/^minio\/minio:RELEASE\.\d{4}-/);
    expect(compose.services.bucket?.image).toMatch(/^minio\/mc:RELEASE\.\d{4}-/);
    expect(minio?.volumes).toEqual(['minio-data:/data']);
    expect(Object.keys(compose.volumes)).toContain('minio-data');
    for (const name of ['api1', 'api2', 'api3']) {
      expect(compose.services[name]?.environment, name).toMatchObject({
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_BUCKET: 'pigeon',
        S3_SECRET_ACCESS_KEY: '${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD in .env}',
      });
    }
  });

  it('says it needs Compose v2, which its top-level name requires', () => {
    expect(compose.name).toBe('pigeon');
    expect(read('docker-compose.yml')).toMatch(/Compose v2/);
  });

  it('publishes Caddy only, with its certificates in volumes; NGINX stays inside', () => {
    const caddy = compose.services.caddy;
    expect(caddy?.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(caddy?.volumes).toEqual(
      expect.arrayContaining([
        './infra/caddy/Caddyfile:/etc/caddy/Caddyfile:ro',
        'caddy-data:/data',
        'caddy-config:/config',
      ]),
    );
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['caddy-data', 'caddy-config', 'pgdata']),
    );
    const published = services.filter(([, s]) => s.ports?.length).map(([name]) => name);
    expect(published).toEqual(['caddy']);
  });

  it('runs the built server: the migration step runs dist/migrate.js with plain node', () => {
    expect(compose.services.migrate?.command).toEqual(['node', 'dist/migrate.js']);
    // The instances run with the flags `pnpm cluster` and the benchmarks start them with.
    for (const name of ['api1', 'api2', 'api3'])
      expect(compose.services[name]?.command, name).toEqual(['node', ...serverNodeFlags, 'dist/main.js']);
    expect(read('apps/server/build.ts')).toContain("migrate: join(root, 'src/migrate.ts')");
  });

  it('uses an NGINX that re-resolves the instances’ names (server … resolve: 1.27.3+)', () => {
    const [major = 0, minor = 0] = (compose.services.nginx?.image ?? '')
      .replace(/^nginx:/, '')
      .split(/[.-]/)
      .map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1028);
    const conf = readFileSync(nginxConfig, 'utf8');
    expect(conf).toMatch(/resolver 127\.0\.0\.11 valid=10s/);
    expect(conf).toMatch(/zone pigeon \d+k;/);
    const servers = [...conf.matchAll(/^\s*server (api\d):3000 ([^;]*);/gm)];
    expect(servers.map((m) => m[1])).toEqual(['api1', 'api2', 'api3']);
    for (const [line, , params] of servers) expect(params, line).toMatch(/\bresolve\b/);
    expect(services.filter(([n]) => /^api\d$/.test(n)).map(([n]) => n)).toEqual(['api1', 'api2', 'api3']);
  });
});

describe('the server image (infra/docker/server.Dockerfile)', () => {
  const dockerfile = read('infra/docker/server.Dockerfile');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));

  it('checks health on /readyz and runs the bundle with plain node as an unprivileged user', () => {
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
    expect(runtime).not.toMatch(/\/healthz/);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/tsx|tsconfig|src\//);
  });

  it('gives the embedded data directory a volume the unprivileged user owns', () => {
    const volume = /^VOLUME (\S+)$/m.exec(runtime)?.[1];
    expect(volume).toBeDefined();
    expect(runtime).toContain(`PIGEON_DATA_DIR=${volume ?? ''}`);
    // Owned before VOLUME is declared, so a new volume is made with that owner.
    const chown = runtime.indexOf(`chown node:node ${volume ?? ''}`);
    expect(chown).toBeGreaterThan(-1);
    const volumeLine = runtime.search(/^VOLUME /m);
    expect(chown).toBeLessThan(volumeLine);
    expect(volumeLine).toBeLessThan(runtime.search(/^USER node$/m));
  });
});

const has = (command: string, flag: string) => spawnSync(command, [flag]).status === 0;

describe.runIf(has('caddy', 'version'))('infra/caddy/Caddyfile, read by caddy', () => {
  const adapt = (env: Record<string, string>) => {
    const run = spawnSync('caddy', ['adapt', '--adapter', 'caddyfile', '--config', caddyfile], {
      env: { PATH: process.env.PATH, HOME: tmpdir(), ...env },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as {
      admin: { disabled: boolean };
      apps: {
        pki: { certificate_authorities: { local: { install_trust: boolean } } };
        tls: unknown;
        http: unknown;
      };
    };
  };

  it('asks Let’s Encrypt for a public domain, with the admin API off and the host trust store untouched', () => {
    const config = adapt({ PIGEON_DOMAIN: 'chat.example.com', PIGEON_TLS: 'ops@example.com' });
    expect(config.admin.disabled).toBe(true);
    expect(config.apps.pki.certificate_authorities.local.install_trust).toBe(false);
    expect(JSON.stringify(config.apps.tls)).toContain('"email":"ops@example.com"');
    expect(JSON.stringify(config.apps.http)).toContain('"dial":"nginx:80"');
  });

  it('uses its own local CA on a LAN (tls internal)', () => {
    const config = adapt({ PIGEON_DOMAIN: 'pigeon.lan', PIGEON_TLS: 'internal' });
    expect(JSON.stringify(config.apps.tls)).toContain('"module":"internal"');
  });
});

describe.runIf(has('nginx', '-v'))('infra/nginx/nginx.conf, read by nginx', () => {
  it('passes nginx -t as the local cluster runs it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pigeon-nginx-t-'));
    try {
      const file = join(dir, 'nginx.conf');
      writeFileSync(
        file,
        localNginxConfig(readFileSync(nginxConfig, 'utf8'), { port: 1, upstreams: [2, 3, 4], dir }),
      );
      const run = spawnSync('nginx', ['-t', '-c', file, '-p', dir, '-g', 'error_log stderr warn;'], {
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
