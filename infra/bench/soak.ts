// `pnpm --filter @pigeon/infra bench:soak` (after `pnpm --filter @pigeon/server build`): the
// cluster of `pnpm bench` under a steady, modest load for a long time, to see whether memory
// grows. Three instances behind NGINX on PostgreSQL + Redis; BENCH_PAIRS friend pairs (both
// sides with a stream open) send BENCH_RATE messages a second in all for BENCH_SOAK_MINUTES.
// Every BENCH_SAMPLE_SECONDS it reads each instance's resident memory from /proc. After the
// first BENCH_WARMUP_MINUTES (caches, JIT and pools filling up are not a leak), the report gives
// each instance's growth per hour twice: the least-squares slope of all samples, and the rise of
// the lowest sample from the first half of the run to the second (RSS is a sawtooth between
// major collections, and its troughs are what the heap keeps). It checks that every
// acknowledged message was delivered.
import { randomBytes } from 'node:crypto';
import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import { createScratchDatabase } from '@pigeon/db/testing';
import { deleteKeysUnder } from '@pigeon/test-utils';
import WebSocket from 'ws';
import { startCluster } from '../src/cluster';
import { processUsage } from './stats';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  pairs: env('BENCH_PAIRS', 20),
  rate: env('BENCH_RATE', 200),
  minutes: env('BENCH_SOAK_MINUTES', 30),
  warmupMinutes: env('BENCH_WARMUP_MINUTES', 2),
  sampleSeconds: env('BENCH_SAMPLE_SECONDS', 10),
};
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...args: unknown[]) => console.error('[soak]', ...args);
const mib = (bytes: number) => bytes / 2 ** 20;

/** MiB per hour by which the lowest sample of the second half exceeds that of the first. */
function troughGrowth(points: readonly { x: number; y: number }[]): number {
  const half = Math.floor(points.length / 2);
  const first = points.slice(0, half);
  const second = points.slice(half);
  if (first.length === 0 || second.length === 0) return NaN;
  const lowest = (ps: typeof points) => ps.reduce((a, b) => (b.y < a.y ? b : a));
  const a = lowest(first);
  const b = lowest(second);
  const hours =
    ((second.at(-1)?.x ?? 0) + (second[0]?.x ?? 0)) / 2 - ((first.at(-1)?.x ?? 0) + (first[0]?.x ?? 0)) / 2;
  return (b.y - a.y) / hours;
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

const scratch = await createScratchDatabase(adminUrl);
const redisPrefix = `pigeon-soak:${randomBytes(4).toString('hex')}:`;
const cluster = await startCluster({
  databaseUrl: scratch.url,
  redisUrl,
  redisPrefix,
  jwtSecret: randomBytes(48).toString('base64url'),
  env: {
    RATE_LIMITS: JSON.stringify({
      messages: { points: 1_000_000, durationSeconds: 1 },
      registrationsPerIp: { points: 1_000_000, durationSeconds: 1 },
    }),
  },
});
const clients: PigeonClient[] = [];
const client = () => {
  const c = createPigeonClient({ url: cluster.url, WebSocket });
  clients.push(c);
  return c;
};

try {
  log(`setting up ${config.pairs} friend pairs`);
  const pairs = await Promise.all(
    Array.from({ length: config.pairs }, async () => {
      const sender = client();
      const receiver = client();
      const tag = randomBytes(5).toString('hex');
      const register = (c: PigeonClient, name: string) =>
        c.auth.register.mutate({ username: name, email: `${name}@soak.invalid`, password: 'soak password' });
      await register(sender, `s_${tag}`);
      const b = await register(receiver, `r_${tag}`);
      const { request } = await sender.friends.request.mutate({ userId: b.user.id });
      await receiver.friends.accept.mutate({ requestId: request.id });
      const { id } = await sender.conversations.open.mutate({ userId: b.user.id });
      return { sender, receiver, conversationId: id };
    }),
  );
  let delivered = 0;
  let live = 0;
  const subscriptions = pairs.flatMap((p) => [
    p.receiver.events.subscribe.subscribe(
      { lastEventId: null },
      {
        onData: ({ data }) => {
          if (data.type === 'stream.live') live++;
          if (data.type === 'message.created') delivered++;
        },
      },
    ),
    p.sender.events.subscribe.subscribe(
      { lastEventId: null },
      {
        onData: ({ data }) => {
          if (data.type === 'stream.live') live++;
        },
      },
    ),
  ]);
  while (live < pairs.length * 2) await sleep(50);

  log(
    `sending ${config.rate} messages/s for ${config.minutes} min, sampling RSS every ${config.sampleSeconds} s`,
  );
  const started = performance.now();
  const endAt = started + config.minutes * 60_000;
  let acknowledged = 0;
  let failed = 0;
  const everyMs = (1000 * config.pairs) / config.rate;
  const load = pairs.map(async (p, i) => {
    await sleep((everyMs * i) / pairs.length);
    for (let n = 0; performance.now() < endAt; n++) {
      const next = performance.now() + everyMs;
      try {
        await p.sender.messages.send.mutate({
          conversationId: p.conversationId,
          body: `soak ${n}`,
          clientId: crypto.randomUUID(),
        });
        acknowledged++;
      } catch {
        failed++;
      }
      await sleep(Math.max(0, next - performance.now()));
    }
  });

  const samples = cluster.instances.map(() => [] as { x: number; y: number }[]);
  while (performance.now() < endAt) {
    await sleep(config.sampleSeconds * 1000);
    const hours = (performance.now() - started) / 3_600_000;
    const usage = await Promise.all(cluster.instances.map((i) => processUsage(i.child?.pid ?? 0)));
    usage.forEach((u, i) => samples[i]?.push({ x: hours, y: mib(u.rssBytes) }));
    log(
      `${Math.round(hours * 60)} min: ${acknowledged} acknowledged, RSS ${usage.map((u) => mib(u.rssBytes).toFixed(0)).join(' / ')} MiB`,
    );
  }
  await Promise.all(load);
  const deadline = performance.now() + 30_000;
  while (delivered < acknowledged && performance.now() < deadline) await sleep(100);

  const warmupHours = config.warmupMinutes / 60;
  const rows = samples.map((points, i) => {
    const steady = points.filter((p) => p.x >= warmupHours);
    const ys = steady.map((p) => p.y);
    return (
      `| api${i + 1} | ${Math.min(...ys).toFixed(0)}–${Math.max(...ys).toFixed(0)} | ${(ys.at(-1) ?? NaN).toFixed(0)} ` +
      `| ${slope(steady).toFixed(1)} | ${troughGrowth(steady).toFixed(1)} |`
    );
  });
  console.log(
    [
      `Soak: ${config.pairs} pairs, ${config.rate} msg/s for ${config.minutes} min ` +
        `(growth fitted after ${config.warmupMinutes} min); ${acknowledged} acknowledged, ` +
        `${delivered} delivered, ${failed} failed sends`,
      '',
      '| instance | RSS after warm-up, low–high (MiB) | RSS at the end (MiB) | slope (MiB/hour) | trough growth (MiB/hour) |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  for (const s of subscriptions) s.unsubscribe();
  if (delivered < acknowledged) process.exitCode = 1;
} finally {
  await Promise.all(clients.map((c) => c.$close()));
  await cluster.stop();
  await scratch.drop();
  await deleteKeysUnder(redisUrl, redisPrefix);
}
