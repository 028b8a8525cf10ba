// The two PresenceStores against one contract, with time given explicitly (no waiting): the
// in-process one always, the Redis one when the environment names a Redis (as CI does).
import { randomBytes, randomUUID } from 'node:crypto';
import { InProcessPresenceStore, type PresenceStore } from '@pigeon/api';
import { deleteKeysUnder } from '@pigeon/test-utils';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisPresenceStore } from '../src/redis-presence';

const TTL = 10_000;
const T0 = 1_800_000_000_000;

const redisUrl = process.env.REDIS_URL;
const connections: Redis[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(connections.map((r) => r.quit()));
  for (const prefix of prefixes) await deleteKeysUnder(redisUrl ?? '', prefix);
});

/** Two handles on one store: two instances in cluster mode, the same object in embedded mode. */
function makeStores(kind: 'in-process' | 'redis'): [PresenceStore, PresenceStore] {
  if (kind === 'in-process') {
    const store = new InProcessPresenceStore(TTL);
    return [store, store];
  }
  const prefix = `pigeon-test:${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const [one, two] = [new Redis(redisUrl ?? ''), new Redis(redisUrl ?? '')];
  connections.push(one, two);
  return [new RedisPresenceStore(one, prefix, TTL), new RedisPresenceStore(two, prefix, TTL)];
}

const kinds = redisUrl ? (['in-process', 'redis'] as const) : (['in-process'] as const);

describe.each(kinds)('presence store (%s)', (kind) => {
  it('aggregates tabs: online if any is, away if all are, offline with none', async () => {
    const [store] = makeStores(kind);
    const user = randomUUID();
    const [tab1, tab2] = [randomUUID(), randomUUID()];
    expect(await store.beat(user, tab1, 'online', T0)).toEqual({
      userId: user,
      status: 'online',
      lastSeenAt: null,
      changed: true,
    });
    expect((await store.beat(user, tab2, 'away', T0 + 1)).changed).toBe(false);
    expect(await store.beat(user, tab1, 'away', T0 + 2)).toMatchObject({ status: 'away', changed: true });
    expect(await store.beat(user, tab2, 'online', T0 + 3)).toMatchObject({ status: 'online', changed: true });
    expect((await store.beat(user, tab2, 'offline', T0 + 4)).status).toBe('away');
    expect(await store.beat(user, tab1, 'offline', T0 + 5)).toEqual({
      userId: user,
      status: 'offline',
      lastSeenAt: T0 + 5,
      changed: true,
    });
    // Saying goodbye twice changes nothing.
    expect((await store.beat(user, tab1, 'offline', T0 + 6)).changed).toBe(false);
    expect((await store.read([user], T0 + 7)).get(user)).toEqual({ status: 'offline', lastSeenAt: T0 + 5 });
  });

  it('expires a connection that stops beating; readers see it before the sweep does', async () => {
    const [store] = makeStores(kind);
    const user = randomUUID();
    const other = randomUUID();
    await store.beat(user, randomUUID(), 'online', T0);
    await store.beat(other, randomUUID(), 'online', T0 + TTL);
    expect((await store.read([user], T0 + TTL - 1)).get(user)?.status).toBe('online');
    // Expired but not yet swept: already offline, last seen at its final beat.
    expect((await store.read([user, randomUUID()], T0 + TTL + 1)).get(user)).toEqual({
      status: 'offline',
      lastSeenAt: T0,
    });
    const swept = await store.sweep(T0 + TTL + 1);
    expect(swept.filter((c) => c.userId === user)).toEqual([
      { userId: user, status: 'offline', lastSeenAt: T0, changed: true },
    ]);
    // The other user's connection is still alive at that time; a second sweep finds nothing.
    expect(swept.some((c) => c.userId === other)).toBe(false);
    expect((await store.sweep(T0 + TTL + 2)).some((c) => c.userId === user)).toBe(false);
  });

  it('keeps a connection alive while it beats', async () => {
    const [store] = makeStores(kind);
    const user = randomUUID();
    const tab = randomUUID();
    for (let t = T0; t < T0 + 5 * TTL; t += TTL / 3) await store.beat(user, tab, 'online', t);
    expect((await store.sweep(T0 + 5 * TTL)).some((c) => c.userId === user)).toBe(false);
    expect((await store.read([user], T0 + 5 * TTL)).get(user)?.status).toBe('online');
  });

  it('keeps an away connection four times as long (hidden tabs beat slowly), last seen at its beat', async () => {
    const [store] = makeStores(kind);
    const user = randomUUID();
    await store.beat(user, randomUUID(), 'away', T0);
    expect((await store.sweep(T0 + 2 * TTL)).some((c) => c.userId === user)).toBe(false);
    expect((await store.read([user], T0 + 2 * TTL)).get(user)?.status).toBe('away');
    expect((await store.read([user], T0 + 4 * TTL + 1)).get(user)).toEqual({
      status: 'offline',
      lastSeenAt: T0,
    });
    const swept = await store.sweep(T0 + 4 * TTL + 1);
    expect(swept.filter((c) => c.userId === user)).toEqual([
      { userId: user, status: 'offline', lastSeenAt: T0, changed: true },
    ]);
  });

  it('hands an expiry to exactly one of the instances sweeping at once', async () => {
    const [one, two] = makeStores(kind);
    const users: string[] = Array.from({ length: 20 }, () => randomUUID());
    for (const user of users) await one.beat(user, randomUUID(), 'online', T0);
    const at = T0 + TTL + 1;
    const [a, b] = await Promise.all([one.sweep(at), two.sweep(at)]);
    const announced = [...a, ...b].map((c) => c.userId).filter((id) => users.includes(id));
    expect(announced.sort()).toEqual([...users].sort());
  });
});
