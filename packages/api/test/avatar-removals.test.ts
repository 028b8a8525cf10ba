// Replaced and deleted photos leave no orphans: their objects are queued in `file_removals` in
// the committing transaction, removed after the commit, and retried by the file sweep.
import { fileRemovals, users } from '@pigeon/db';
import type { FileStore } from '@pigeon/media';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../src/bus';
import { flushOutbox, Outbox } from '../src/core/changes';
import type { Logger } from '../src/core/types';
import { eraseAccount } from '../src/services/account-deletion';
import { sweepFiles } from '../src/services/attachments';
import { avatarObjectKey, changeUserAvatar, type AvatarImage } from '../src/services/avatars';
import { backends, useWorld, type World } from './support/world';

type Scope = ReturnType<World['call']>;

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Far longer than any test: the sweep only works the removal queue, it finds no stale uploads. */
const NO_ORPHANS_TTL_SECONDS = 24 * 60 * 60;

function photo(text: string): AvatarImage {
  return { data: Buffer.from(text), contentType: 'image/webp' };
}

/** The world's real filesystem store, with `remove` replaced. */
function storeRemovingWith(w: World, remove: FileStore['remove']): FileStore {
  return {
    driver: w.files.driver,
    put: (key, body, meta) => w.files.put(key, body, meta),
    get: (key, range) => w.files.get(key, range),
    size: (key) => w.files.size(key),
    check: () => w.files.check(),
    remove,
  };
}

/**
 * Notes, for each removal, whether its keys were queued in `file_removals` at that moment: the
 * bytes must never go before the promise to remove them is durable. (It reads the queue on a
 * connection of its own, so it must not be used where `remove` runs inside a transaction: the
 * sweep, on PGlite's single connection.)
 */
function queueCheckingStore(w: World) {
  const removals: { key: string; queued: boolean }[] = [];
  const files = storeRemovingWith(w, async (keys) => {
    const queued = new Set(
      (await w.db.select({ key: fileRemovals.key }).from(fileRemovals)).map((r) => r.key),
    );
    for (const key of keys) removals.push({ key, queued: queued.has(key) });
    await w.files.remove(keys);
  });
  return { files, removals };
}

/** Its first removal throws, as an unreachable store would; later ones remove. */
function storeFailingOnce(w: World): FileStore {
  let failed = false;
  return storeRemovingWith(w, async (keys) => {
    if (!failed) {
      failed = true;
      throw new Error('the store is unreachable');
    }
    await w.files.remove(keys);
  });
}

describe.each(backends)('removing replaced and deleted photos (%s)', (backend) => {
  const world = useWorld(backend);

  /** Runs one call's change, then flushes its outbox the way a procedure call does. */
  async function asCall<T>(files: FileStore, change: (scope: Scope) => Promise<T>) {
    const w = world();
    const outbox = new Outbox();
    const result = await change({ ...w.call(), files, outbox });
    await flushOutbox(outbox, {
      bus: new InProcessEventBus(),
      log: silent,
      sessionStatus: { forget: () => undefined },
      db: w.db,
      files,
    });
    return result;
  }

  async function photoObjectOf(userId: string): Promise<string> {
    const [row] = await world()
      .db.select({ avatarKey: users.avatarKey })
      .from(users)
      .where(eq(users.id, userId));
    if (!row?.avatarKey) throw new Error('the user has no photo');
    return avatarObjectKey(row.avatarKey);
  }

  const stored = async (key: string) => {
    const file = await world().files.get(key);
    file?.body.destroy();
    return file !== null;
  };
  const queue = async () =>
    (await world().db.select({ key: fileRemovals.key }).from(fileRemovals)).map((r) => r.key);

  /** The ways a photo stops being named: replaced, removed, or its account deleted. */
  const endings: Record<string, (scope: Scope, userId: string) => Promise<unknown>> = {
    replaced: (scope, userId) => changeUserAvatar(scope, userId, photo('second')),
    removed: (scope, userId) => changeUserAvatar(scope, userId, null),
    'account deleted': (scope, userId) => eraseAccount(scope, userId),
  };

  describe.each(Object.entries(endings))('a photo %s', (_, end) => {
    it('is queued in its transaction, its bytes go after the commit, and the queue is left empty', async () => {
      const w = world();
      const store = queueCheckingStore(w);
      const userId = await w.user('photo');
      await asCall(store.files, (scope) => changeUserAvatar(scope, userId, photo('first')));
      const old = await photoObjectOf(userId);
      expect(await stored(old)).toBe(true);

      await asCall(store.files, (scope) => end(scope, userId));

      expect(await stored(old)).toBe(false);
      expect(store.removals).toEqual([{ key: old, queued: true }]);
      expect(await queue()).toEqual([]);
    });

    it('stays queued when the store fails to remove it, and the sweep removes it later', async () => {
      const w = world();
      const userId = await w.user('photo_retry');
      await asCall(w.files, (scope) => changeUserAvatar(scope, userId, photo('first')));
      const old = await photoObjectOf(userId);

      const files = storeFailingOnce(w);
      await asCall(files, (scope) => end(scope, userId));
      expect(await stored(old)).toBe(true);
      expect(await queue()).toEqual([old]);

      expect(await sweepFiles({ db: w.db, files, log: silent }, NO_ORPHANS_TTL_SECONDS)).toEqual({
        orphans: 0,
        files: 1,
      });
      expect(await stored(old)).toBe(false);
      expect(await queue()).toEqual([]);
    });
  });
});
