// `pnpm bench`: a bounded load test of the cluster on this machine (loopback only).
// Three instances behind NGINX on PostgreSQL + Redis; friend pairs send at a set rate through
// NGINX; the report gives throughput, latency percentiles, per-instance CPU and memory, memory
// per idle subscription, catch-up time, and PostgreSQL's own ceiling for the same write.
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import { createScratchDatabase } from '@pigeon/db/testing';
import { deleteKeysUnder } from '@pigeon/test-utils';
import WebSocket from 'ws';
import { startCluster } from '../src/cluster';
import { postgresCeiling } from './pg-ceiling';
import { percentiles, percentilesBySecond, processUsage, type TimedSample } from './stats';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  pairs: env('BENCH_PAIRS', 100),
  rate: env('BENCH_RATE', 1500),
  seconds: env('BENCH_SECONDS', 15),
  idle: env('BENCH_IDLE', 2000),
  catchUp: env('BENCH_CATCHUP', 1000),
  /** 0: open loop at BENCH_RATE. n > 0: closed loop, each pair keeps n sends in flight. */
  closedLoop: env('BENCH_CLOSED_LOOP', 0),
};
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...args: unknown[]) => console.error('[bench]', ...args);

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

const scratch = await createScratchDatabase(adminUrl);
const redisPrefix = `pigeon-bench:${randomBytes(4).toString('hex')}:`;
const cluster = await startCluster({
  databaseUrl: scratch.url,
  redisUrl,
  redisPrefix,
  jwtSecret: randomBytes(48).toString('base64url'),
  env: {
    DATABASE_POOL_SIZE: '20',
    // The idle-subscription measure opens thousands of sockets for one account.
    WS_MAX_CONNECTIONS_PER_USER: '100000',
    // A load test sends far above one person's rate; registrations all come from one address.
    RATE_LIMITS: JSON.stringify({
      messages: { points: 1_000_000, durationSeconds: 1 },
      registrationsPerIp: { points: 1_000_000, durationSeconds: 1 },
    }),
  },
  // BENCH_CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it stops.
  nodeArgs: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
});
const clients: PigeonClient[] = [];
const client = (url = cluster.url) => {
  const c = createPigeonClient({ url, WebSocket });
  clients.push(c);
  return c;
};

try {
  log(`setting up ${config.pairs} friend pairs`);
  const pairs: {
    sender: PigeonClient;
    receiver: PigeonClient;
    a: string;
    b: string;
    conversationId: string;
  }[] = [];
  await inBatches([...Array(config.pairs).keys()], 10, async () => {
    const sender = client();
    const receiver = client();
    const tag = randomBytes(5).toString('hex');
    const a = await sender.auth.register.mutate({
      username: `s_${tag}`,
      email: `s_${tag}@bench.invalid`,
      password: 'bench password',
    });
    const b = await receiver.auth.register.mutate({
      username: `r_${tag}`,
      email: `r_${tag}@bench.invalid`,
      password: 'bench password',
    });
    const { request } = await sender.friends.request.mutate({ userId: b.user.id });
    await receiver.friends.accept.mutate({ requestId: request.id });
    const { id } = await sender.conversations.open.mutate({ userId: b.user.id });
    pairs.push({ sender, receiver, a: a.user.id, b: b.user.id, conversationId: id });
  });

  const sentAt = new Map<string, number>();
  /** When the first send left (set when sending starts). */
  let startedAt = 0;
  const deliver: TimedSample[] = [];
  const ack: number[] = [];
  let delivered = 0;
  let live = 0;
  const subscriptions = pairs.map((p) =>
    p.receiver.events.subscribe.subscribe(
      { lastEventId: null },
      {
        onData: ({ data }) => {
          if (data.type === 'stream.live') live++;
          if (data.type !== 'message.created') return;
          const started = sentAt.get(data.message.clientId);
          if (started !== undefined) {
            deliver.push({ sentMs: started - startedAt, latencyMs: performance.now() - started });
            delivered++;
          }
        },
      },
    ),
  );
  // Senders keep their own stream open too, as a chat app does (they see their other devices' sends).
  let sendersLive = 0;
  const senderStreams = pairs.map((p) =>
    p.sender.events.subscribe.subscribe(
      { lastEventId: null },
      {
        onData: ({ data }) => {
          if (data.type === 'stream.live') sendersLive++;
        },
      },
    ),
  );
  while (live < pairs.length || sendersLive < pairs.length) await sleep(50);

  log(`sending ${config.rate} messages/s for ${config.seconds} s`);
  const before = await Promise.all(cluster.instances.map((i) => processUsage(i.child?.pid ?? 0)));
  const generatorBefore = process.cpuUsage();
  let acked = 0;
  let failed = 0;
  let inFlight = 0;
  startedAt = performance.now();
  let next = 0;
  let scheduled = 0;
  let heldBack = 0;
  const send = (pair: (typeof pairs)[number]) => {
    const clientId = randomUUID();
    const t0 = performance.now();
    sentAt.set(clientId, t0);
    inFlight++;
    return pair.sender.messages.send
      .mutate({ conversationId: pair.conversationId, body: `bench ${next++}`, clientId })
      .then(
        () => {
          ack.push(performance.now() - t0);
          acked++;
        },
        () => failed++,
      )
      .finally(() => inFlight--);
  };
  if (config.closedLoop > 0) {
    const until = startedAt + config.seconds * 1000;
    await Promise.all(
      pairs.flatMap((pair) =>
        Array.from({ length: config.closedLoop }, async () => {
          while (performance.now() < until) await send(pair);
        }),
      ),
    );
  }
  // Open loop by the clock: by any moment t, floor(rate × t) sends are due in all. A late timer
  // (a busy event loop) makes the next tick send more instead of losing the sends it slept through.
  const windowMs = config.seconds * 1000;
  const total = Math.floor((config.rate * windowMs) / 1000);
  while (config.closedLoop === 0 && scheduled < total) {
    const elapsedMs = performance.now() - startedAt;
    const due = Math.min(total, Math.floor((config.rate * elapsedMs) / 1000));
    while (scheduled < due) {
      scheduled++;
      if (inFlight > 5_000) {
        heldBack++; // open loop, but bounded
        continue;
      }
      const pair = pairs[next % pairs.length];
      if (!pair) break;
      void send(pair);
    }
    if (elapsedMs >= windowMs) break;
    await sleep(2);
  }
  const sendSeconds = (performance.now() - startedAt) / 1000;
  while (inFlight > 0 || (delivered < acked && performance.now() - startedAt < (config.seconds + 20) * 1000))
    await sleep(50);
  const elapsed = (performance.now() - startedAt) / 1000;
  const after = await Promise.all(cluster.instances.map((i) => processUsage(i.child?.pid ?? 0)));
  const generator = process.cpuUsage(generatorBefore);
  const generatorCores = (generator.user + generator.system) / 1e6 / elapsed;
  for (const s of [...subscriptions, ...senderStreams]) s.unsubscribe();

  log('catch-up after a gap');
  const [first] = pairs;
  if (!first) throw new Error('no pairs');
  let lastId: string | null = null;
  await new Promise<void>((resolve) => {
    const s = first.receiver.events.subscribe.subscribe(
      { lastEventId: null },
      {
        onData: ({ id, data }) => {
          lastId = id;
          if (data.type === 'stream.live') {
            s.unsubscribe();
            resolve();
          }
        },
      },
    );
  });
  await inBatches([...Array(config.catchUp).keys()], 50, (i) =>
    first.sender.messages.send.mutate({
      conversationId: first.conversationId,
      body: `gap ${i}`,
      clientId: randomUUID(),
    }),
  );
  const catchUpStart = performance.now();
  let caught = 0;
  await new Promise<void>((resolve) => {
    const s = first.receiver.events.subscribe.subscribe(
      { lastEventId: lastId },
      {
        onData: ({ data }) => {
          if (data.type === 'message.created') caught++;
          if (data.type === 'stream.live') {
            s.unsubscribe();
            resolve();
          }
        },
      },
    );
  });
  const catchUpMs = performance.now() - catchUpStart;

  log(`opening ${config.idle} idle subscriptions on one instance`);
  const target = cluster.instances[0];
  if (!target?.child?.pid) throw new Error('no instance');
  await sleep(1000);
  const idleBefore = await processUsage(target.child.pid);
  const session = first.receiver.$session.get();
  let idleLive = 0;
  await inBatches([...Array(config.idle).keys()], 200, async () => {
    const c = createPigeonClient({ url: target.url, WebSocket, session });
    clients.push(c);
    await new Promise<void>((resolve) => {
      c.events.subscribe.subscribe(
        { lastEventId: null },
        {
          onData: ({ data }) => {
            if (data.type === 'stream.live') {
              idleLive++;
              resolve();
            }
          },
        },
      );
    });
  });
  await sleep(2000);
  const idleAfter = await processUsage(target.child.pid);

  log('PostgreSQL alone: the same write with pgbench');
  const ceiling = await postgresCeiling({
    databaseUrl: scratch.url,
    pairs: pairs.map((p) => ({ a: p.a, b: p.b, conversationId: p.conversationId })),
    seconds: 10,
    clients: 16,
  });

  const d = percentiles(deliver.map((sample) => sample.latencyMs));
  // The first second apart: a server starts cold (its JIT warms up under the load), and that second
  // alone can set a run's p99 (docs/benchmarks.md).
  const perSecond = percentilesBySecond(deliver);
  const firstSecond = perSecond[0] ?? percentiles([]);
  const afterFirst = percentiles(deliver.filter((s) => s.sentMs >= 1000).map((s) => s.latencyMs));
  const bySecond = perSecond
    .map(
      ({ p99 }, second) => `${second + 1}: ${p99 === undefined || Number.isNaN(p99) ? '–' : p99.toFixed(0)}`,
    )
    .join(', ');
  const a = percentiles(ack);
  const throughput = acked / sendSeconds;
  const fmt = (n: number) => n.toFixed(1);
  const report = [
    `## Run of ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}.`,
    config.closedLoop > 0
      ? `Load: ${config.pairs} friend pairs through NGINX → ${cluster.instances.length} instances; closed loop, ${config.closedLoop} send(s) in flight per pair, for ${config.seconds} s.`
      : `Load: ${config.pairs} friend pairs through NGINX → ${cluster.instances.length} instances; target ${config.rate} messages/s for ${config.seconds} s (open loop, ≤ 5,000 in flight).`,
    '',
    '| Measure | Value |',
    '| --- | --- |',
    ...(config.closedLoop > 0
      ? []
      : [
          `| Send rate asked / offered / acknowledged | ${config.rate}/s / ${fmt((scheduled - heldBack) / sendSeconds)}/s (${heldBack} held back: over 5,000 in flight) / ${fmt(throughput)}/s |`,
        ]),
    `| Messages acknowledged (persisted) | ${acked} (${fmt(throughput)}/s); failed ${failed} |`,
    `| Messages delivered live | ${delivered} (${fmt(delivered / elapsed)}/s over ${fmt(elapsed)} s) |`,
    `| Send → deliver latency ms (p50 / p95 / p99 / max) | ${fmt(d.p50 ?? NaN)} / ${fmt(d.p95 ?? NaN)} / ${fmt(d.p99 ?? NaN)} / ${fmt(d.max)} |`,
    `| Send → deliver latency ms, first second of sending / the seconds after (p50 / p99) | ${fmt(firstSecond.p50 ?? NaN)} / ${fmt(firstSecond.p99 ?? NaN)} · ${fmt(afterFirst.p50 ?? NaN)} / ${fmt(afterFirst.p99 ?? NaN)} |`,
    `| Send → deliver p99 ms of each second of sending | ${bySecond} |`,
    `| Send acknowledgement latency ms (p50 / p95 / p99 / max) | ${fmt(a.p50 ?? NaN)} / ${fmt(a.p95 ?? NaN)} / ${fmt(a.p99 ?? NaN)} / ${fmt(a.max)} |`,
    ...cluster.instances.map((inst, i) => {
      const cpu = ((after[i]?.cpuSeconds ?? 0) - (before[i]?.cpuSeconds ?? 0)) / elapsed;
      return `| api${inst.index}: CPU (cores) / RSS | ${cpu.toFixed(2)} / ${fmt((after[i]?.rssBytes ?? 0) / 2 ** 20)} MiB |`;
    }),
    `| Load generator CPU (cores) | ${generatorCores.toFixed(2)} |`,
    `| PostgreSQL alone, same write (pgbench, 16 clients) | ${fmt(ceiling.tps)} tx/s, ${fmt(ceiling.latencyMs)} ms average |`,
    `| **Ratio: Pigeon throughput / PostgreSQL ceiling** | **${(throughput / ceiling.tps).toFixed(2)}** |`,
    `| Catch-up of ${config.catchUp} missed events | ${fmt(catchUpMs)} ms (${caught} received) |`,
    `| Idle subscriptions on one instance | ${idleLive}; ${fmt((idleAfter.rssBytes - idleBefore.rssBytes) / Math.max(1, idleLive) / 1024)} KiB RSS each |`,
    '',
  ].join('\n');
  console.log(report);
} finally {
  await Promise.all(clients.map((c) => c.$close().catch(() => undefined)));
  await cluster.stop();
  await scratch.drop();
  await deleteKeysUnder(redisUrl, redisPrefix);
}
