// The send path alone, without HTTP or WebSockets: SendQueue → PostgreSQL, closed loop.
//   pnpm --filter @pigeon/api bench:send      (DATABASE_URL: an admin URL; default local trust)
// Prints one JSON line: sends per second, this process's CPU and PostgreSQL's backends' CPU per
// send (from /proc), acknowledgement latency, batches and their mean size. Compare two builds
// by running each in turn (A B A B …) on the same machine and reading the ratios.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDb, eventStreams, friendships, preparedQueryOf, users } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import { Outbox } from '../src/core/changes';
import { openDirectConversation } from '../src/services/direct-conversations';
import { SendQueue } from '../src/services/send-queue';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  pairs: env('BENCH_PAIRS', 100),
  sends: env('BENCH_SENDS', 20_000),
  /** Sends outstanding at once (closed loop). */
  concurrency: env('BENCH_CONCURRENCY', 200),
  maxInFlight: env('BENCH_MAX_IN_FLIGHT', 1),
};
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

const scratch = await createScratchDatabase(adminUrl);
const handle = createDb({ databaseUrl: scratch.url, maxConnections: 10 });
try {
  await handle.migrate();
  const pairs: { a: string; b: string; conversationId: string }[] = [];
  for (let i = 0; i < config.pairs; i++) {
    const ids = await handle.db
      .insert(users)
      .values(
        ['a', 'b'].map((side) => ({
          username: `${side}${i}_${randomUUID().slice(0, 6)}`,
          passwordHash: 'x',
        })),
      )
      .returning({ id: users.id });
    const [a, b] = ids.map((r) => r.id) as [string, string];
    await handle.db.insert(eventStreams).values([{ userId: a }, { userId: b }]);
    await handle.db.insert(friendships).values([
      { userId: a, friendId: b },
      { userId: b, friendId: a },
    ]);
    pairs.push({ a, b, conversationId: (await openDirectConversation(handle.db, a, b)).id });
  }

  let batches = 0;
  let batched = 0;
  const queue = new SendQueue(handle.db, {
    maxInFlight: config.maxInFlight,
    onBatch: (size) => {
      batches++;
      batched += size;
    },
  });
  const latencies: number[] = [];
  let next = 0;
  async function worker(total: number, record: boolean) {
    while (next < total) {
      const pair = pairs[next++ % pairs.length];
      if (!pair) return;
      const t0 = performance.now();
      await queue.send(
        pair.a,
        { conversationId: pair.conversationId, body: 'bench', clientId: randomUUID() },
        new Outbox(),
      );
      if (record) latencies.push(performance.now() - t0);
    }
  }
  const run = (total: number, record: boolean) =>
    Promise.all(Array.from({ length: config.concurrency }, () => worker(total, record)));

  await run(Math.min(2_000, config.sends), false); // warm-up: JIT, plans, prepared statements
  next = 0;
  batches = 0;
  batched = 0;
  const backends = (await preparedQueryOf(handle.db)(
    'select pid from pg_stat_activity where datname = current_database()',
    [],
  )) as { pid: number }[];
  const pgBefore = backends.reduce((s, b) => s + cpuSeconds(b.pid), 0);
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await run(config.sends, true);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const pgSeconds = backends.reduce((s, b) => s + cpuSeconds(b.pid), 0) - pgBefore;
  latencies.sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  console.log(
    JSON.stringify({
      ...config,
      sendsPerSecond: Math.round(config.sends / seconds),
      nodeCpuUsPerSend: Math.round((cpu.user + cpu.system) / config.sends),
      pgCpuUsPerSend: Math.round((pgSeconds * 1e6) / config.sends),
      ackP50: Number(at(0.5).toFixed(1)),
      ackP99: Number(at(0.99).toFixed(1)),
      batches,
      meanBatch: Number((batched / Math.max(1, batches)).toFixed(1)),
    }),
  );
} finally {
  await handle.close();
  await scratch.drop();
}
