import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { backends, startTestServer } from './harness';

/**
 * The embedded database's ANALYZE and VACUUM (src/embedded-maintenance.ts) on a real server, with
 * the schedule shortened through the configuration; what they do is tested in packages/db.
 */
interface LogLine {
  msg: string;
  scope?: string;
  statements?: number;
}

function capturedLog() {
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  const maintenance = () => lines.filter((line) => line.msg.startsWith('database maintenance'));
  return { lines, log, maintenance };
}

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(backends)('database maintenance (%s)', (backend) => {
  it('runs on every table first, then on what is due; none after shutdown', async () => {
    const { lines, log, maintenance } = capturedLog();
    const test = await startTestServer(
      backend,
      { databaseMaintenance: { firstRunMs: 20, everyMs: 50, everyTableEveryMs: 60_000 } },
      log,
    );
    const user = await test.user();
    await user.client.auth.me.query();
    if (backend === 'embedded') {
      await until(() =>
        maintenance().some((line) => line.msg === 'database maintenance' && line.scope === 'due'),
      );
      const [first] = maintenance().filter((line) => line.msg === 'database maintenance');
      expect(first).toMatchObject({ scope: 'all' });
      expect(first?.statements).toBeGreaterThan(0);
    } else {
      // PostgreSQL runs autovacuum: the server leaves it alone.
      await new Promise((r) => setTimeout(r, 200));
      expect(maintenance()).toEqual([]);
    }
    await test.close();
    const seen = maintenance().length;
    await new Promise((r) => setTimeout(r, 200));
    expect(maintenance()).toHaveLength(seen);
    expect(lines.map((line) => line.msg)).not.toContain('database maintenance failed');
  });

  it('lets a run in progress end before the database closes', async () => {
    const { lines, log, maintenance } = capturedLog();
    // Back to back: whenever the server is closed, a run is under way or about to start.
    const test = await startTestServer(
      backend,
      { databaseMaintenance: { firstRunMs: 0, everyMs: 0, everyTableEveryMs: 0 } },
      log,
    );
    if (backend === 'embedded') await until(() => maintenance().length > 3);
    await test.close();
    const stopped = lines.findIndex((line) => line.msg === 'stopped');
    expect(stopped).toBeGreaterThan(-1);
    expect(lines.slice(stopped + 1).filter((line) => line.msg.startsWith('database maintenance'))).toEqual(
      [],
    );
    expect(lines.map((line) => line.msg)).not.toContain('database maintenance failed');
  });
});
