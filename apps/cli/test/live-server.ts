import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@pigeon/test-utils';

const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));

async function waitUntilReady(url: string, process: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (process.exitCode !== null) throw new Error(`the server exited: ${output()}`);
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the server did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A real Pigeon server as its own process (embedded database in a scratch folder), which a
 * test can stop and start again on the same port and data, as an operator's restart would.
 */
export async function startLiveServer(overrides: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-cli-test-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    PIGEON_DATA_DIR: join(dataDir, 'data'),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '1000',
    // Every test user registers from 127.0.0.1.
    RATE_LIMITS: JSON.stringify({ registrationsPerIp: { points: 10_000, durationSeconds: 3_600 } }),
    ...overrides,
  };
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    await waitUntilReady(url, started, () => output);
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
