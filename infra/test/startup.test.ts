import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '@pigeon/db/testing';
import { expect, it } from 'vitest';
import { freePort, waitFor } from '../src/ports';
import { startPrivateRedis, stopProcess } from '../src/redis';

const adminUrl = process.env.DATABASE_URL;
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const serverDir = fileURLToPath(new URL('../../apps/server/', import.meta.url));

it.runIf(adminUrl && hasRedis)(
  'says "starting" while a dependency is missing, then "ready" once it is there',
  async () => {
    const scratch = await createScratchDatabase(adminUrl ?? '');
    const [port, redisPort] = [await freePort(), await freePort()];
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATABASE_URL: scratch.url,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    const probe = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, body: await res.json() };
    };
    let redis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
    try {
      // Redis is not running yet: alive, not ready, and the API refuses politely.
      await waitFor('the server to listen', async () => (await probe('/healthz')).status === 200);
      expect(await probe('/readyz')).toEqual({ status: 503, body: { status: 'starting' } });
      expect((await probe('/trpc/auth.me')).status).toBe(503);

      redis = await startPrivateRedis(redisPort);
      await waitFor('readiness', async () => (await probe('/readyz')).status === 200, 30_000);
      expect((await probe('/readyz')).body).toEqual({
        status: 'ready',
        database: 'ok',
        bus: 'ok',
        files: 'ok',
      });
    } finally {
      await stopProcess(server);
      if (redis) await stopProcess(redis);
      await scratch.drop();
    }
  },
);
