import type { ServerResponse } from 'node:http';
import type { FileStore } from '@pigeon/media';
import type { Readiness } from '../readiness';
import { sendJson } from './respond';

/** A blackholed dependency must not hang the probe: past this it counts as down. */
const PING_TIMEOUT_MS = 2_000;

interface Pingable {
  ping(): Promise<void>;
}

/** /readyz: 200 only when the server is ready and the database, the bus and the file store answer. */
export function readinessProbe(
  readiness: () => Readiness,
  dependencies: { database: Pingable; bus: Pingable; files: FileStore },
): (res: ServerResponse) => Promise<void> {
  const { database, bus, files } = dependencies;
  return async (res) => {
    const checks = await Promise.allSettled([
      within(database.ping()),
      within(bus.ping()),
      within(files.check()),
    ]);
    const [db, redis, store] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
    const ok = readiness() === 'ready' && db === 'ok' && redis === 'ok' && store === 'ok';
    sendJson(res, ok ? 200 : 503, { status: readiness(), database: db, bus: redis, files: store });
  };
}

async function within(check: Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
