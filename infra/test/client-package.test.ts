import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPigeonClient, type PigeonClient, type StreamItem } from '@pigeon/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort, waitFor } from '../src/ports';
import { stopProcess } from '../src/redis';
import { bot, browserMain, browserPage, httpOnly, tsconfig, tsconfigs } from './client-consumer';

// The proof that @pigeon/client works outside this repository: packed as npm would get it,
// installed by npm into a folder of its own, type-checked under the three module resolutions
// with strict flags, run by plain `node` against a real server, and built for a browser by Vite.

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const clientDir = join(repoRoot, 'packages/client');
const serverDir = join(repoRoot, 'apps/server');

/** Packages only a server needs: none may reach a client's consumer. */
const SERVER_ONLY = [
  '@node-rs/argon2',
  '@electric-sql/pglite',
  'postgres',
  'drizzle-orm',
  'ioredis',
  '@pigeon/api',
  '@pigeon/db',
  '@pigeon/schema',
  '@pigeon/server',
];

const catalogVersion = (name: string) => {
  const yaml = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const line = yaml.split('\n').find((l) => l.trim().replace(/'/g, '').startsWith(`${name}:`));
  const version = line?.split(':').at(-1)?.trim();
  if (!version) throw new Error(`${name} is not in the catalog`);
  return version;
};
const viteVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'apps/web/package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies.vite;

const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 << 20 });

/** Every package folder under node_modules (scoped ones as `@scope/name`), at any depth. */
function installedPackages(nodeModules: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === '.bin') continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(path, { withFileTypes: true })) {
          if (scoped.isDirectory()) {
            found.push(`${entry.name}/${scoped.name}`);
            const nested = join(path, scoped.name, 'node_modules');
            if (readdirSync(join(path, scoped.name)).includes('node_modules')) walk(nested);
          }
        }
      } else {
        found.push(entry.name);
        if (readdirSync(path).includes('node_modules')) walk(join(path, 'node_modules'));
      }
    }
  };
  walk(nodeModules);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
}

/** What a failed command printed (execFile's error carries its output). */
const stdoutOf = (err: unknown) => String((err as { stdout?: unknown } | null)?.stdout ?? err);

const duKiB = async (dir: string) => Number((await run('du', ['-sk', dir])).stdout.split('\t')[0]);

describe('@pigeon/client outside the workspace', () => {
  let work: string;
  let app: string;
  let server: ChildProcess | undefined;
  let serverUrl = '';
  let addedKiB = 0;
  const clients: PigeonClient[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pigeon-client-package-'));
    app = join(work, 'app');
    mkdirSync(app);
    // `pnpm pack` runs the package's prepack (the tsdown build) and applies publishConfig.
    await run('pnpm', ['pack', '--pack-destination', work], { cwd: clientDir, maxBuffer: 16 << 20 });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('pnpm pack made no tarball');

    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // A TypeScript project's tools first (TypeScript also satisfies tRPC's peer dependency),
    // then the client alone, to measure what it adds to a consumer's node_modules.
    await npm(
      [
        'install',
        `typescript@${catalogVersion('typescript')}`,
        `@types/node@${catalogVersion('@types/node')}`,
        `ws@${catalogVersion('ws')}`,
        `@types/ws@${catalogVersion('@types/ws')}`,
        `vite@${viteVersion ?? ''}`,
      ],
      app,
    );
    const before = await duKiB(join(app, 'node_modules'));
    await npm(['install', join(work, tarball)], app);
    addedKiB = (await duKiB(join(app, 'node_modules'))) - before;
    writeFileSync(join(app, 'bot.ts'), bot);
    writeFileSync(join(app, 'http-only.ts'), httpOnly);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$close()));
    if (server) await stopProcess(server);
    rmSync(work, { recursive: true, force: true });
  });

  it('installs the client with its three run-time dependencies and nothing of the server', () => {
    const packages = installedPackages(join(app, 'node_modules'));
    expect(packages).toEqual(
      expect.arrayContaining(['@pigeon/client', '@trpc/client', '@trpc/server', 'zod']),
    );
    expect(packages.filter((p) => SERVER_ONLY.includes(p))).toEqual([]);
    expect(packages.filter((p) => p.startsWith('@pigeon/'))).toEqual(['@pigeon/client']);

    const clientFiles = filesUnder(join(app, 'node_modules/@pigeon/client')).map((f) =>
      relative(join(app, 'node_modules/@pigeon/client'), f),
    );
    // Built JavaScript and declarations only: no TypeScript source of Pigeon's.
    expect(clientFiles.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(clientFiles).toEqual(
      expect.arrayContaining(['package.json', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']),
    );

    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules/@pigeon/client/package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
      exports: Record<string, unknown>;
      sideEffects: boolean;
      license: string;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'zod']);
    expect(Object.values(manifest.dependencies).every((v) => /^\d+\.\d+\.\d+$/.test(v))).toBe(true);
    expect(manifest).toMatchObject({ sideEffects: false, license: 'MIT' });
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    console.log(`npm install @pigeon/client added ${(addedKiB / 1024).toFixed(1)} MiB to node_modules`);
    expect(addedKiB).toBeLessThan(16 * 1024);
  });

  it.each(Object.keys(tsconfigs) as (keyof typeof tsconfigs)[])(
    'type-checks a bot under moduleResolution %s with strict flags, reading no Pigeon source',
    async (resolution) => {
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(join(app, config), JSON.stringify(tsconfig(resolution, { noEmit: true })));
      const { stdout } = await run(join(app, 'node_modules/.bin/tsc'), ['-p', config, '--listFilesOnly'], {
        cwd: app,
      });
      const pigeonFiles = stdout.split('\n').filter((f) => f.includes('/@pigeon/'));
      expect(pigeonFiles.map((f) => relative(app, f))).toEqual([
        'node_modules/@pigeon/client/dist/index.d.ts',
      ]);
      await run(join(app, 'node_modules/.bin/tsc'), ['-p', config], { cwd: app }).catch((err: unknown) => {
        throw new Error(`tsc (${resolution}) failed:\n${stdoutOf(err)}`);
      });
    },
    120_000,
  );

  it('ships declarations that pass the strict flags with the library check on, too', async () => {
    writeFileSync(
      join(app, 'tsconfig.libcheck.json'),
      JSON.stringify(tsconfig('nodenext', { noEmit: true, skipLibCheck: false })),
    );
    const result = await run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.libcheck.json'], {
      cwd: app,
    }).then(
      () => '',
      (err: unknown) => stdoutOf(err),
    );
    const errors = result.split('\n').filter((line) => /error TS\d+/.test(line));
    // Only tRPC's own declarations may fail: they need the DOM library and do not compile
    // against @types/ws. Ours (one bundled file) pass.
    expect(errors.filter((line) => !line.startsWith('node_modules/@trpc/'))).toEqual([]);
  }, 120_000);

  it('runs with plain node against a live server: logs in, subscribes and answers', async () => {
    writeFileSync(join(app, 'tsconfig.build.json'), JSON.stringify(tsconfig('nodenext')));
    await run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: app });

    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        PIGEON_DATA_DIR: join(work, 'server-data'),
        JWT_SECRET: randomBytes(48).toString('base64url'),
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '1000',
      },
      stdio: 'ignore',
    });
    await waitFor('the server', async () => (await fetch(`${serverUrl}/readyz`)).ok, 90_000);

    const newClient = () => {
      const c = createPigeonClient({ url: serverUrl, WebSocket, retryDelayMs: () => 200 });
      clients.push(c);
      return c;
    };
    const botName = `bot_${randomBytes(4).toString('hex')}`;
    const botPassword = 'echo bot password';
    await newClient().auth.register.mutate({
      username: botName,
      email: `${botName}@example.com`,
      password: botPassword,
    });
    const env = {
      PATH: process.env.PATH ?? '',
      PIGEON_URL: serverUrl,
      BOT_USERNAME: botName,
      BOT_PASSWORD: botPassword,
    };

    // Queries and mutations need no WebSocket (Node 20 has none, and none is given).
    const plain = await run(process.execPath, ['out/http-only.js'], { cwd: app, env });
    expect(plain.stdout).toContain(
      `me: ${botName}, has global WebSocket: ${String('WebSocket' in globalThis)}`,
    );
    expect(plain.stdout).toContain('refused: ');

    const botProcess = spawn(process.execPath, ['out/bot.js'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    botProcess.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    botProcess.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor('the bot to listen', () => Promise.resolve(output.includes('is listening')));
      const human = newClient();
      const { user } = await human.auth.register.mutate({
        username: `human_${randomBytes(4).toString('hex')}`,
        email: `human_${randomBytes(4).toString('hex')}@example.com`,
        password: 'correct horse battery',
      });
      const items: StreamItem[] = [];
      const sub = human.events.subscribe.subscribe(
        { lastEventId: null },
        { onData: ({ data }) => items.push(data) },
      );
      await waitFor('the stream', () => Promise.resolve(items.some((i) => i.type === 'stream.live')));
      const { request } = await human.friends.request.mutate({ username: botName });
      await waitFor('the bot to accept', () => Promise.resolve(items.some((i) => i.type === 'friend.added')));
      const conversation = await human.conversations.open.mutate({ userId: request.to.id });
      await human.messages.send.mutate({
        conversationId: conversation.id,
        body: 'ping',
        clientId: crypto.randomUUID(),
      });
      await waitFor('the echo', () =>
        Promise.resolve(
          items.some(
            (i) =>
              i.type === 'message.created' &&
              i.message.senderId !== user.id &&
              i.message.body === 'echo: ping',
          ),
        ),
      );
      sub.unsubscribe();
    } catch (err) {
      throw new Error(`${String(err)}\nbot output:\n${output}`);
    } finally {
      await stopProcess(botProcess);
    }
  }, 180_000);

  it('builds into a browser page with Vite', async () => {
    writeFileSync(join(app, 'index.html'), browserPage);
    writeFileSync(join(app, 'main.js'), browserMain);
    await run(join(app, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error'], { cwd: app });
    const assets = readdirSync(join(app, 'dist/assets')).filter((f) => f.endsWith('.js'));
    expect(assets).toHaveLength(1);
    const bundle = readFileSync(join(app, 'dist/assets', assets[0] ?? ''), 'utf8');
    expect(bundle).toContain('messages up to ');
    // No Node built-in made it into the browser bundle.
    expect(bundle).not.toMatch(/from\s*["']node:/);
  }, 120_000);
});
