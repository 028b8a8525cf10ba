// `pnpm --filter @pigeon/infra bench:memory`: the resident memory of one server process, idle and
// after storing messages. Starts the built server as production does (`node dist/main.js`, no
// wrapper process; `BENCH_SERVER=source` runs `src/main.ts` through tsx instead) on a new embedded
// data directory (or on PostgreSQL when DATABASE_URL is set: a scratch database), then reads VmRSS
// from /proc: after start and BENCH_IDLE_SECONDS (60) idle, after sending BENCH_MESSAGES messages
// (100,000) between two friends, and every 5 s over BENCH_IDLE_SECONDS idle again, with the
// server's CPU per send and V8's heap from /metrics. BENCH_NODE_ARGS: flags for the server's node.
// BENCH_HOST_MEMORY_MB: run the server in a memory cgroup of that size (Linux, root), so Node sizes
// its heap as on a host with that much memory (a 1 GB VPS: 1024). Prints one JSON line.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPigeonClient } from '@pigeon/client';
import { createScratchDatabase } from '@pigeon/db/testing';
import WebSocket from 'ws';
import { freePort } from '../src/ports';

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
// V8 gives back the heap a burst of sends grew only when its memory reducer sees the process idle,
// 25–35 s after the burst here: a minute's idle shows the server at rest, the 5 s samples the way.
const idleMs = Number(process.env.BENCH_IDLE_SECONDS ?? 60) * 1000;
const serverDir = fileURLToPath(new URL('../../apps/server', import.meta.url));
const fromSource = process.env.BENCH_SERVER === 'source';
const hostMemoryMb = Number(process.env.BENCH_HOST_MEMORY_MB ?? 0);
if (!fromSource && !existsSync(join(serverDir, 'dist/main.js')))
  throw new Error('bench:memory runs the built server: run `pnpm --filter @pigeon/server build` first');
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
const nodeArgs = [
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ...(fromSource ? ['--import', 'tsx', 'src/main.ts'] : ['dist/main.js']),
];
const cgroup = hostMemoryMb > 0 ? memoryCgroup(hostMemoryMb) : null;
// The shell joins the cgroup, then becomes node: the server is the process measured, alone in it.
const [command, args] = cgroup
  ? ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procs, process.execPath, ...nodeArgs]]
  : [process.execPath, nodeArgs];
const server = spawn(command, args, {
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
});
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
  const idleAfter: number[] = [];
  for (let waited = 0; waited < idleMs; waited += 5_000) {
    await sleep(Math.min(5_000, idleMs - waited));
    idleAfter.push(rssMb(pid));
  }
  const heap = await v8Heap(url);
  console.log(
    JSON.stringify({
      mode: scratch ? 'postgres' : 'embedded',
      idleRssMb: idle,
      messages,
      sendsPerSecond: Math.round(messages / seconds),
      serverCpuUsPerSend,
      peakRssMbWhileSending: Math.max(peak, loaded),
      rssMbAfterSending: loaded,
      rssMbIdleAfter: idleAfter.at(-1),
      rssMbEvery5sIdleAfter: idleAfter,
      v8HeapMbIdleAfter: heap,
      ...(cgroup ? { hostMemoryMb, cgroupPeakMb: cgroup.peakMb() } : {}),
    }),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  cgroup?.remove();
  await scratch?.drop();
}

/** V8's heap (allocated and in use) and external memory, MB, from the server's /metrics. */
async function v8Heap(serverUrl: string) {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  const mb = (name: string) =>
    Math.round(Number(new RegExp(`^pigeon_process_${name} (\\S+)`, 'm').exec(text)?.[1]) / 1048576);
  return {
    total: mb('nodejs_heap_size_total_bytes'),
    used: mb('nodejs_heap_size_used_bytes'),
    external: mb('nodejs_external_memory_bytes'),
  };
}

/** A memory cgroup limited to `mb` (v1 or v2 hierarchy): Node sizes its heap from the limit. */
function memoryCgroup(mb: number) {
  const v1 = '/sys/fs/cgroup/memory';
  const root = existsSync(`${v1}/memory.limit_in_bytes`) ? v1 : '/sys/fs/cgroup';
  const dir = join(root, `pigeon-bench-memory-${process.pid}`);
  mkdirSync(dir);
  const limitFile = root === v1 ? 'memory.limit_in_bytes' : 'memory.max';
  writeFileSync(join(dir, limitFile), String(mb * 1048576));
  const peakFile = root === v1 ? 'memory.max_usage_in_bytes' : 'memory.peak';
  return {
    procs: join(dir, 'cgroup.procs'),
    peakMb: () =>
      existsSync(join(dir, peakFile))
        ? Math.round(Number(readFileSync(join(dir, peakFile), 'utf8')) / 1048576)
        : null,
    remove: () => rmdirSync(dir),
  };
}
