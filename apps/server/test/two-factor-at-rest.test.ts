// Two-factor secrets at rest: sealed under DATA_ENCRYPTION_KEY, so a dump of the users table
// does not give away anyone's second factor; plain ones from before the key are sealed at the
// next start, and a key being rotated out still opens what it sealed until the start-up pass
// has sealed it again under the new one. One embedded data directory, restarted in between.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, users } from '@pigeon/db';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerConfig } from '../src/config';
import { startTestServer } from './harness';
import { codeFor, enableTwoFactor, passwordStep } from './two-factor-helpers';

const FIRST_KEY = 'first data encryption key: 32+ random characters';
const NEXT_KEY = 'next data encryption key: 32+ random characters!';

// A new embedded data directory is made in a child process: slow on a busy machine.
describe('two-factor secrets at rest', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-2fa-at-rest-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  afterEach(() => vi.useRealTimers());

  const start = (dataEncryption?: ServerConfig['dataEncryption']) =>
    startTestServer('embedded', { database: { url: undefined, dataDir, poolSize: 1 }, dataEncryption });

  async function storedSecret(userId: string): Promise<string | null> {
    const database = createDb({ dataDir });
    try {
      const rows = await database.db.select({ id: users.id, secret: users.totpSecret }).from(users);
      return rows.find((row) => row.id === userId)?.secret ?? null;
    } finally {
      await database.close();
    }
  }

  let clockAhead = 0;

  /** Logs in with the password and the app's code for a time step no earlier login has used. */
  async function logsInWithCode(server: Awaited<ReturnType<typeof start>>, user: Account, secret: string) {
    // Each login takes a newer time step (no replays): move the clock on past the last one.
    clockAhead += 90_000;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + clockAhead);
    const anon = server.client();
    const challenge = await passwordStep(anon, user);
    const session = await anon.auth.loginSecondFactor.mutate({ challenge, code: await codeFor(secret) });
    vi.useRealTimers();
    return session.user.username;
  }

  type Account = { id: string; username: string; password: string };
  let account: Account;
  let secret: string;

  it('without a key, a secret is stored as it is (as before)', async () => {
    const server = await start();
    try {
      const user = await server.user('at_rest');
      account = user;
      ({ secret } = await enableTwoFactor(user.client, user.password));
    } finally {
      await server.close();
    }
    expect(await storedSecret(account.id)).toBe(secret);
  });

  it('with a key, the next start seals it, and codes from the app still work', async () => {
    const server = await start({ key: FIRST_KEY, previousKeys: [] });
    let other: { id: string; secret: string };
    try {
      expect(await logsInWithCode(server, account, secret)).toBe(account.username);
      // A new enrolment is sealed from the start.
      const user = await server.user('sealed_new');
      other = { id: user.id, secret: (await enableTwoFactor(user.client, user.password)).secret };
    } finally {
      await server.close();
    }
    for (const [id, plain] of [
      [account.id, secret],
      [other.id, other.secret],
    ] as const) {
      const stored = await storedSecret(id);
      expect(stored).toMatch(/^sealed:v1:/);
      expect(stored).not.toContain(plain);
    }
  });

  it('rotating: the old key opens it, the start seals it again under the new one', async () => {
    const before = await storedSecret(account.id);
    const server = await start({ key: NEXT_KEY, previousKeys: [FIRST_KEY] });
    try {
      expect(await logsInWithCode(server, account, secret)).toBe(account.username);
    } finally {
      await server.close();
    }
    const after = await storedSecret(account.id);
    expect(after).toMatch(/^sealed:v1:/);
    expect(after).not.toBe(before);

    // Only the new key is needed from now on.
    const again = await start({ key: NEXT_KEY, previousKeys: [] });
    try {
      expect(await logsInWithCode(again, account, secret)).toBe(account.username);
    } finally {
      await again.close();
    }
  });
});
