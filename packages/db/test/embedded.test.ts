import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, prepareDataDir, preparedQueryOf } from '../src';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the embedded database on disk', () => {
  it('is created and migrated in a child process, then opens with a small cache and nothing left to apply', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pigeon-embedded-')), 'data');
    dirs.push(dir);
    await prepareDataDir(dir);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);

    const handle = createDb({ dataDir: dir });
    try {
      const rows = (text: string) => preparedQueryOf(handle.db)(text, []);
      const applied = await rows('select count(*)::int as n from drizzle.__drizzle_migrations');
      await handle.migrate();
      expect(await rows('select count(*)::int as n from drizzle.__drizzle_migrations')).toEqual(applied);
      expect((applied[0] as { n: number } | undefined)?.n).toBeGreaterThan(10);
      expect(await rows('show shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
    } finally {
      await handle.close();
    }
    // A second call finds the database and leaves it be.
    await prepareDataDir(dir);
  }, 120_000);
});
