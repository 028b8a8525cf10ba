import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, runtimeDependencies } from '../build';

// What ships: the bundle (apps/server/build.ts) on the production dependencies only, as the
// image's runtime stage installs them (`pnpm deploy --prod`), run by plain node.
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pigeon-package-'));
const deployed = join(scratch, 'server');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the built server', () => {
  beforeAll(async () => {
    const dist = join(scratch, 'dist');
    await buildServer(dist);
    // A legacy deploy resolves the dependencies again: it needs the registry's metadata, which a
    // fresh machine's cache does not hold (`--offline` failed there), so the cache is only preferred.
    execFileSync(
      'pnpm',
      ['--filter', '@pigeon/server', 'deploy', '--legacy', '--prod', '--prefer-offline', deployed],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    rmSync(join(deployed, 'dist'), { recursive: true, force: true });
    cpSync(dist, join(deployed, 'dist'), { recursive: true });
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('imports at run time only its declared production dependencies and Node’s built-ins', () => {
    const imported = new Set<string>();
    for (const file of readdirSync(join(deployed, 'dist')).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(deployed, 'dist', file), 'utf8');
      // Top-level `import … from "x"` (esbuild starts each at a line's start) and `import("x")`.
      const specs = [
        ...code.matchAll(/^(?:import|export)\b[^;\n]*?from\s*["']([^'"./][^'"]*)["']/gm),
        ...code.matchAll(/\bimport\(\s*["']([^'"./][^'"]*)["']\s*\)/g),
      ];
      for (const [, spec] of specs) {
        if (!spec || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0] ?? '')) continue;
        imported.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec),
        );
      }
    }
    expect([...imported].sort()).toEqual([...runtimeDependencies()].sort());
  });

  it('installs no build tool: no tsx, esbuild or TypeScript', () => {
    const installed = readdirSync(join(deployed, 'node_modules', '.pnpm'));
    for (const tool of ['tsx@', 'esbuild@', 'typescript@', 'vite@'])
      expect(
        installed.filter((name) => name.startsWith(tool)),
        tool,
      ).toEqual([]);
    expect(existsSync(join(deployed, 'src'))).toBe(false);
  });

  it('stays within its share of the image’s size budget (docs/self-hosting.md): 56 MiB', () => {
    // As the image copies it: the bundle without its maps, and the production dependencies.
    // Like du: symbolic links are not followed, a hard-linked file counts once.
    const seen = new Set<number>();
    let bytes = 0;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile() && !entry.name.endsWith('.map')) {
          const stat = lstatSync(path);
          if (!seen.has(stat.ino)) bytes += stat.size;
          seen.add(stat.ino);
        }
      }
    };
    walk(deployed);
    expect(bytes).toBeGreaterThan(1024 * 1024);
    // 36 MiB until sharp (libvips, 19 MB) came for image previews and metadata stripping.
    expect(bytes).toBeLessThan(56 * 1024 * 1024);
  });

  it('runs with plain node on an embedded database, migrations and all', async () => {
    const port = await freePort();
    const dataDir = join(scratch, 'data');
    const server = spawn(process.execPath, ['dist/main.js'], {
      cwd: deployed,
      env: { PATH: process.env.PATH, PORT: String(port), PIGEON_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ready = await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline || server.exitCode !== null)
          throw new Error('the built server did not get ready');
        await new Promise((r) => setTimeout(r, 200));
      }
      const res = await fetch(`${base}/trpc/auth.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: 'built_user',
          email: 'built@example.com',
          password: 'a long password',
        }),
      });
      expect(res.status).toBe(200);
      expect(existsSync(dataDir)).toBe(true);
      // REST, its document and the reference page's renderer (copied beside the bundle).
      const me = await fetch(`${base}/api/v1/users/me`);
      expect(me.status).toBe(401);
      expect((await fetch(`${base}/api/openapi.json`)).status).toBe(200);
      const renderer = await fetch(`${base}/api/docs/standalone.js`);
      expect(renderer.status).toBe(200);
      expect((await renderer.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  }, 120_000);
});
