import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamItem } from '@pigeon/client';
import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import {
  backends,
  befriend,
  collectEvents,
  startTestServer,
  useTestServer,
  type TestServer,
  UNLIMITED,
} from './harness';

/** Short enough for tests to watch a connection expire, long enough not to flake. */
const presence = { ttlMs: 3_000, sweepMs: 100 };

type Presence = Extract<StreamItem, { type: 'presence' }>;
const presenceOf = (items: StreamItem[], userId: string): Presence[] =>
  items.flatMap((i) => (i.type === 'presence' && i.userId === userId ? [i] : []));

async function pair(t: TestServer) {
  const a = await t.user('seen');
  const b = await t.user('watcher');
  await befriend(a, b);
  const watching = collectEvents(b.client);
  await watching.live();
  /** Waits for the latest presence event about `a` to have this status. */
  const seesA = (status: Presence['status']) =>
    watching.until(() => presenceOf(watching.items, a.id).at(-1)?.status === status, 10_000, `a ${status}`);
  return { a, b, watching, seesA };
}

describe.each(backends)('presence (%s)', (backend) => {
  const t = useTestServer(backend, { presence });

  it('goes online, away when every tab is away, online again when one is back', async () => {
    const { a, b, watching, seesA } = await pair(t);
    const tab1 = randomUUID();
    const tab2 = randomUUID();

    const first = await a.client.presence.heartbeat.mutate({ connectionId: tab1, state: 'online' });
    expect(first.status).toBe('online');
    expect(first.nextHeartbeatMs).toBeLessThan(presence.ttlMs);
    await seesA('online');
    expect(presenceOf(watching.items, a.id).at(-1)).toMatchObject({ v: 1, lastSeenAt: null });
    expect(await b.client.presence.list.query()).toEqual([
      { userId: a.id, status: 'online', lastSeenAt: null },
    ]);

    // A second tab online changes nothing friends see: no second announcement.
    await a.client.presence.heartbeat.mutate({ connectionId: tab2, state: 'online' });
    await a.client.presence.heartbeat.mutate({ connectionId: tab1, state: 'away' });
    expect((await b.client.presence.list.query())[0]?.status).toBe('online');
    await a.client.presence.heartbeat.mutate({ connectionId: tab2, state: 'away' });
    await seesA('away');
    await a.client.presence.heartbeat.mutate({ connectionId: tab2, state: 'online' });
    await seesA('online');
    expect(presenceOf(watching.items, a.id).map((e) => e.status)).toEqual(['online', 'away', 'online']);

    // Closing both tabs: offline, last seen just now.
    const before = Date.now();
    await a.client.presence.heartbeat.mutate({ connectionId: tab1, state: 'offline' });
    await a.client.presence.heartbeat.mutate({ connectionId: tab2, state: 'offline' });
    await seesA('offline');
    const gone = presenceOf(watching.items, a.id).at(-1);
    expect(Date.parse(gone?.lastSeenAt ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    const [listed] = await b.client.presence.list.query();
    expect(listed).toEqual({ userId: a.id, status: 'offline', lastSeenAt: gone?.lastSeenAt });
    watching.unsubscribe();
  });

  it('expires a tab that stops beating, with last seen at its final beat', async () => {
    const { a, b, watching, seesA } = await pair(t);
    const beatAt = Date.now();
    await a.client.presence.heartbeat.mutate({ connectionId: randomUUID(), state: 'online' });
    await seesA('online');
    await seesA('offline');
    const gone = presenceOf(watching.items, a.id).at(-1);
    const seen = Date.parse(gone?.lastSeenAt ?? '');
    expect(seen).toBeGreaterThanOrEqual(beatAt - 1_000);
    expect(seen).toBeLessThan(Date.now() - presence.ttlMs / 2);
    expect((await b.client.presence.list.query())[0]).toMatchObject({ status: 'offline' });
    // It goes offline once, even though every sweep looks again.
    await new Promise((r) => setTimeout(r, 500));
    expect(presenceOf(watching.items, a.id).map((e) => e.status)).toEqual(['online', 'offline']);
    watching.unsubscribe();
  });

  it('hides presence: friends see offline at once, with no last seen, until it is shown again', async () => {
    const { a, b, watching, seesA } = await pair(t);
    const tab = randomUUID();
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' });
    await seesA('online');

    expect(await a.client.settings.update.mutate({ showPresence: false })).toMatchObject({
      showPresence: false,
    });
    await seesA('offline');
    expect(presenceOf(watching.items, a.id).at(-1)?.lastSeenAt).toBeNull();
    expect(await b.client.presence.list.query()).toEqual([
      { userId: a.id, status: 'offline', lastSeenAt: null },
    ]);

    // Changes while hidden are not announced.
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'away' });
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' });
    await new Promise((r) => setTimeout(r, 300));
    expect(presenceOf(watching.items, a.id).map((e) => e.status)).toEqual(['online', 'offline']);

    // Not symmetric: the one hiding still sees their friends.
    await b.client.presence.heartbeat.mutate({ connectionId: randomUUID(), state: 'online' });
    expect(await a.client.presence.list.query()).toEqual([
      { userId: b.id, status: 'online', lastSeenAt: null },
    ]);

    await a.client.settings.update.mutate({ showPresence: true });
    await seesA('online');
    expect(await a.client.settings.get.query()).toMatchObject({ showPresence: true });
    watching.unsubscribe();
  });

  it('tells strangers and blocked people nothing, and lists only friends', async () => {
    const { a, b, watching, seesA } = await pair(t);
    const stranger = await t.user('stranger');
    const ex = await t.user('ex');
    await befriend(a, ex);
    await a.client.friends.block.mutate({ userId: ex.id });
    const strangers = collectEvents(stranger.client);
    const exes = collectEvents(ex.client);
    await Promise.all([strangers.live(), exes.live()]);

    await a.client.presence.heartbeat.mutate({ connectionId: randomUUID(), state: 'online' });
    await seesA('online');
    await new Promise((r) => setTimeout(r, 300));
    expect(presenceOf(strangers.items, a.id)).toEqual([]);
    expect(presenceOf(exes.items, a.id)).toEqual([]);
    expect(await stranger.client.presence.list.query()).toEqual([]);
    expect(await ex.client.presence.list.query()).toEqual([]);
    expect((await b.client.presence.list.query()).map((p) => p.userId)).toEqual([a.id]);
    // Nor does a blocked person's own presence reach the blocker.
    const mine = collectEvents(a.client);
    await mine.live();
    await ex.client.presence.heartbeat.mutate({ connectionId: randomUUID(), state: 'online' });
    await new Promise((r) => setTimeout(r, 300));
    expect(presenceOf(mine.items, ex.id)).toEqual([]);
    for (const s of [watching, strangers, exes, mine]) s.unsubscribe();
  });

  it('stops at an unfriending: the former friend hears nothing more and lists nobody', async () => {
    const { a, b, watching, seesA } = await pair(t);
    const tab = randomUUID();
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' });
    await seesA('online');
    await b.client.friends.remove.mutate({ userId: a.id });
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'away' });
    await new Promise((r) => setTimeout(r, 300));
    expect(presenceOf(watching.items, a.id).map((e) => e.status)).toEqual(['online']);
    expect(await b.client.presence.list.query()).toEqual([]);
    watching.unsubscribe();
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const { a, b } = await pair(t);
    const bad = [
      { connectionId: 'not-a-uuid', state: 'online' },
      { connectionId: randomUUID(), state: 'dancing' },
      { connectionId: randomUUID() },
    ];
    for (const input of bad) {
      // Deliberately malformed: the server, not the type checker, must refuse it.
      const err = await a.client.presence.heartbeat
        .mutate(input as unknown as { connectionId: string; state: 'online' })
        .catch((e: unknown) => e);
      expect(errorCode(err)).toBe('BAD_REQUEST');
    }
    const err = await a.client.presence.heartbeat
      .mutate({ connectionId: 'x', state: 'online' })
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/connectionId must be a UUID/);
    expect(await b.client.presence.list.query()).toEqual([
      { userId: a.id, status: 'offline', lastSeenAt: null },
    ]);
    expect(
      errorCode(
        await t
          .client()
          .presence.list.query()
          .catch((e: unknown) => e),
      ),
    ).toBe('UNAUTHORIZED');
  });
});

describe.each(backends)('presence heartbeats are rate limited (%s)', (backend) => {
  const t = useTestServer(backend, {
    presence,
    rateLimits: { ...UNLIMITED, presence: { points: 3, durationSeconds: 60 } },
  });

  it('refuses a runaway tab with TOO_MANY_REQUESTS', async () => {
    const a = await t.user('runaway');
    const connectionId = randomUUID();
    for (let i = 0; i < 3; i++) await a.client.presence.heartbeat.mutate({ connectionId, state: 'online' });
    const err = await a.client.presence.heartbeat
      .mutate({ connectionId, state: 'online' })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('TOO_MANY_REQUESTS');
  });
});

describe.runIf(backends.includes('cluster'))('presence across instances', () => {
  it('shows a user offline within the TTL after their instance dies', async () => {
    const one = await startTestServer('cluster', { presence });
    const two = await startTestServer('cluster', {
      presence,
      database: one.config.database,
      redis: one.config.redis,
    });
    let twoRunning = true;
    try {
      const watcher = await one.user('watcher');
      const traveller = await two.user('traveller');
      await befriend(watcher, traveller);
      const watching = collectEvents(watcher.client);
      await watching.live();
      await traveller.client.presence.heartbeat.mutate({ connectionId: randomUUID(), state: 'online' });
      // Published on instance two, delivered by instance one.
      await watching.until(() => presenceOf(watching.items, traveller.id).at(-1)?.status === 'online');
      expect(await watcher.client.presence.list.query()).toEqual([
        { userId: traveller.id, status: 'online', lastSeenAt: null },
      ]);

      // Instance two goes away without the tab ever saying goodbye: only expiry can tell.
      await two.close();
      twoRunning = false;
      const closedAt = Date.now();
      await watching.until(
        () => presenceOf(watching.items, traveller.id).at(-1)?.status === 'offline',
        presence.ttlMs + 3_000,
        'offline after the instance died',
      );
      expect(Date.now() - closedAt).toBeLessThan(presence.ttlMs + 2_000);
      expect(presenceOf(watching.items, traveller.id).at(-1)?.lastSeenAt).not.toBeNull();
      watching.unsubscribe();
    } finally {
      if (twoRunning) await two.close();
      await one.close();
    }
  });
});

describe('presence after a restart (embedded)', () => {
  // Two embedded servers start in this test; each start migrates PGlite, slow on a busy machine.
  it('keeps the last-seen time in the database when the in-process store is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-presence-'));
    const database = { url: undefined, dataDir, poolSize: 1 };
    try {
      const before = await startTestServer('embedded', { presence, database });
      const a = await before.user('sleeper');
      const b = await before.user('friend');
      await befriend(a, b);
      const tab = randomUUID();
      await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' });
      await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'offline' });
      const [seen] = await b.client.presence.list.query();
      expect(seen?.lastSeenAt).not.toBeNull();
      await before.close();

      const after = await startTestServer('embedded', { presence, database });
      try {
        const again = after.client();
        await again.auth.login.mutate({ username: b.username, password: b.password });
        expect(await again.presence.list.query()).toEqual([seen]);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
