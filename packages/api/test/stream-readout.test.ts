import { randomUUID } from 'node:crypto';
import { createDb, eventStreams, users, type DbHandle } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import type { StreamEvent } from '@pigeon/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, readStreamsAfter } from '../src/core/event-log';

const backends = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** The read the bus adapter makes each tick while Redis is down (degraded delivery). */
describe.each(backends)('readStreamsAfter (%s)', (backend) => {
  let handle: DbHandle;
  let dropScratch: (() => Promise<void>) | undefined;
  const ids: string[] = [];

  beforeAll(async () => {
    if (backend === 'postgres' && process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL);
      dropScratch = scratch.drop;
      handle = createDb({ databaseUrl: scratch.url, maxConnections: 2 });
    } else {
      handle = createDb({ dataDir: 'memory://' });
    }
    await handle.migrate();
    for (const username of ['reader_one', 'reader_two', 'reader_three']) {
      const [user] = await handle.db.insert(users).values({ username, passwordHash: 'x' }).returning();
      if (!user) throw new Error('no user');
      await handle.db.insert(eventStreams).values({ userId: user.id });
      ids.push(user.id);
    }
  });
  afterAll(async () => {
    await handle.close();
    await dropScratch?.();
  });

  async function append(userId: string, n: number): Promise<StreamEvent[]> {
    const deliveries = await handle.db.transaction((tx) =>
      appendEvents(
        tx,
        Array.from({ length: n }, () => ({
          userId,
          event: { v: 1, type: 'friend.request_declined', requestId: randomUUID() } as const,
        })),
      ),
    );
    return deliveries.map((d) => d.event);
  }

  it('reads many users in one call: the head alone without a position, the events after one, capped per user', async () => {
    const [one = '', two = '', three = ''] = ids;
    await append(one, 3);
    const second = await append(two, 5);
    const stranger = randomUUID();

    const readouts = await readStreamsAfter(
      handle.db,
      new Map([
        [one, null],
        [two, 1],
        [three, 0],
        [stranger, 0],
      ]),
      3,
    );
    const byUser = new Map(readouts.map((r) => [r.userId, r]));
    expect(byUser.get(one)).toEqual({ userId: one, head: 3, events: [] });
    // After id 1, at most three: ids 2, 3 and 4, whole events with their ids.
    expect(byUser.get(two)).toEqual({ userId: two, head: 5, events: second.slice(1, 4) });
    expect(byUser.get(three)).toEqual({ userId: three, head: 0, events: [] });
    // A user without a stream (deleted meanwhile) is left out, not an error.
    expect(byUser.has(stranger)).toBe(false);
    expect(readouts).toHaveLength(3);

    expect(await readStreamsAfter(handle.db, new Map(), 10)).toEqual([]);
  });
});
