import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, prepareDataDir, preparedQueryOf } from '../src';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the embedded database on disk', () => {
  it('is created in a child process, then migrated here once and opened with a small cache', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pigeon-embedded-')), 'data');
    dirs.push(dir);
    await prepareDataDir(dir);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);

    const handle = createDb({ dataDir: dir });
    try {
      const rows = (text: string) => preparedQueryOf(handle.db)(text, []);
      // initdb ran in the child: the database exists, still without Pigeon's tables.
      expect(await rows("select to_regclass('public.users') as t")).toEqual([{ t: null }]);
      await handle.migrate();
      const applied = await rows('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect((applied[0] as { n: number } | undefined)?.n).toBeGreaterThan(10);
      await handle.migrate();
      expect(await rows('select count(*)::int as n from drizzle.__drizzle_migrations')).toEqual(applied);
      expect(await rows('show shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
    } finally {
      await handle.close();
    }
    // A second call finds the database and leaves it be.
    await prepareDataDir(dir);
  }, 120_000);
});
