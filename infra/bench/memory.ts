// `pnpm --filter @pigeon/infra bench:memory`: the resident memory of one server process, idle and
// after storing messages. Starts `node --import tsx src/main.ts` (no wrapper process) on a new
// embedded data directory (or on PostgreSQL when DATABASE_URL is set: a scratch database), then
// reads VmRSS from /proc: after start and 10 s idle, after sending BENCH_MESSAGES messages
// (100,000 by default) between two friends, and after 10 s idle again (BENCH_IDLE_SECONDS), with the server's CPU per send. BENCH_NODE_ARGS:
// flags for the server's node. Prints one JSON line.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPigeonClient } from '@pigeon/client';
import { createScratchDatabase } from '@pigeon/db/testing';
import WebSocket from 'ws';
import { freePort } from '../src/ports';

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const idleMs = Number(process.env.BENCH_IDLE_SECONDS ?? 10) * 1000;
const serverDir = fileURLToPath(new URL('../../apps/server', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU seconds the process has used (user + system), from /proc. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);

const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-memory-'));
const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
const port = await freePort();
const server = spawn(
  process.execPath,
  [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'src/main.ts'],
  {
    cwd: serverDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PIGEON_DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      RATE_LIMITS: JSON.stringify({ messages: { points: 1_000_000, durationSeconds: 1 } }),
    },
  },
);
const pid = server.pid ?? 0;
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if ((await fetch(`${url}/readyz`).catch(() => null))?.ok) break;
    if (i > 600) throw new Error('the server did not start');
    await sleep(200);
  }
  await sleep(idleMs);
  const idle = rssMb(pid);

  const [a, b] = ['a', 'b'].map(() => createPigeonClient({ url, WebSocket })) as [
    ReturnType<typeof createPigeonClient>,
    ReturnType<typeof createPigeonClient>,
  ];
  const tag = randomBytes(4).toString('hex');
  const register = (c: typeof a, name: string) =>
    c.auth.register.mutate({
      username: `${name}_${tag}`,
      email: `${name}_${tag}@memory.invalid`,
      password: 'memory bench',
    });
  await register(a, 'a');
  const bob = await register(b, 'b');
  const { request } = await a.friends.request.mutate({ userId: bob.user.id });
  await b.friends.accept.mutate({ requestId: request.id });
  const { id: conversationId } = await a.conversations.open.mutate({ userId: bob.user.id });
  let next = 0;
  let peak = 0;
  const started = performance.now();
  const cpuBefore = cpuSeconds(pid);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const n = next++;
        await a.messages.send.mutate({
          conversationId,
          body: `message ${n} ${'x'.repeat(40)}`,
          clientId: randomUUID(),
        });
        if (n % 5_000 === 0) peak = Math.max(peak, rssMb(pid));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const serverCpuUsPerSend = Math.round(((cpuSeconds(pid) - cpuBefore) * 1e6) / messages);
  const loaded = rssMb(pid);
  await Promise.all([a.$close(), b.$close()]);
  await sleep(idleMs);
  console.log(
    JSON.stringify({
      mode: scratch ? 'postgres' : 'embedded',
      idleRssMb: idle,
      messages,
      sendsPerSecond: Math.round(messages / seconds),
      serverCpuUsPerSend,
      peakRssMbWhileSending: Math.max(peak, loaded),
      rssMbAfterSending: loaded,
      rssMbIdleAfter: rssMb(pid),
    }),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  await scratch?.drop();
}
