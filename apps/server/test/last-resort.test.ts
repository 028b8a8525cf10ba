import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '@pigeon/test-utils';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const injector = fileURLToPath(new URL('./fixtures/inject-faults.mjs', import.meta.url));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the last-resort handlers of a server process', () => {
  it('log an unhandled rejection and keep serving; log an uncaught exception, drain and exit 70', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-last-resort-'));
    const port = await freePort();
    const server = spawn(process.execPath, ['--import', 'tsx', '--import', injector, 'src/main.ts'], {
      cwd: serverDir,
      env: { PATH: process.env.PATH, PORT: String(port), PIGEON_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    const ready = () =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
    try {
      await until('ready', () => {
        if (server.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
        return ready();
      });

      server.kill('SIGHUP');
      await until('the rejection logged', () => output.includes('injected rejection'));
      expect(output).toContain('unhandled promise rejection; still serving');
      expect(await ready()).toBe(true);
      expect(server.exitCode).toBeNull();

      server.kill('SIGUSR2');
      expect(await exited).toBe(70);
      const fatal = output.split('\n').find((line) => line.includes('injected exception'));
      expect(fatal).toContain('uncaught exception; draining and exiting for a restart');
      expect(fatal).toContain('"level":60');
      expect(output).toContain('"msg":"stopped"');
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
