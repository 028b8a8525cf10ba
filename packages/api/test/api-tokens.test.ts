import { createHash } from 'node:crypto';
import { apiTokens } from '@pigeon/db';
import { limits } from '@pigeon/schema';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApiToken, listApiTokens, revokeApiToken } from '../src/services/api-tokens';
import { createBot, deleteBot } from '../src/services/bots';
import { createSessionStatus } from '../src/services/session-status';
import { backends, outcome, useWorld } from './support/world';

const forever = { name: 'ci', scope: 'write', expiresInDays: null } as const;

describe.each(backends)('API tokens and bots (%s)', (backend) => {
  const world = useWorld(backend);

  it('stores only the SHA-256 of the secret, and the secret stands for its holder and scope', async () => {
    const w = world();
    const me = await w.user('holder');
    const { token, secret } = await createApiToken(w.db, me, { ...forever, scope: 'read' });
    const [row] = await w.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row?.tokenHash).toBe(createHash('sha256').update(secret).digest('base64url'));
    expect(JSON.stringify(row)).not.toContain(secret.slice(8));
    const status = createSessionStatus(w.db);
    expect(await status.apiTokenViewer(secret)).toEqual({
      userId: me,
      sessionId: token.id,
      expiresAt: Number.MAX_SAFE_INTEGER,
      apiToken: { scope: 'read' },
    });
    expect(await status.apiTokenViewer(secret.slice(0, -1))).toBeNull();
  });

  it('a revoked token stops at once where the revocation is heard, and within seconds anywhere', async () => {
    const w = world();
    const me = await w.user('revoked');
    const { token, secret } = await createApiToken(w.db, me, forever);
    const here = createSessionStatus(w.db);
    const elsewhere = createSessionStatus(w.db, 50);
    expect(await here.apiTokenViewer(secret)).not.toBeNull();
    expect(await elsewhere.apiTokenViewer(secret)).not.toBeNull();
    const call = w.call();
    await revokeApiToken(call, me, token.id);
    const { endedSessions } = call.outbox.take();
    expect(endedSessions).toEqual([token.id]);
    here.forget(endedSessions);
    expect(await here.apiTokenViewer(secret)).toBeNull();
    // An instance that missed the announcement trusts its answer only for its short TTL.
    await new Promise((r) => setTimeout(r, 60));
    expect(await elsewhere.apiTokenViewer(secret)).toBeNull();
  });

  it('an expired token is not found, and expiry is in whole days up to the limit', async () => {
    const w = world();
    const me = await w.user('expiring');
    const { token, secret } = await createApiToken(w.db, me, { ...forever, expiresInDays: 7 });
    const days = (Date.parse(token.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeCloseTo(7, 2);
    await w.db
      .update(apiTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(apiTokens.id, token.id));
    expect(await createSessionStatus(w.db).apiTokenViewer(secret)).toBeNull();
    expect(await listApiTokens(w.db, me, undefined)).toEqual([]);
  });

  it('an account holds a bounded number of tokens, and an owner a bounded number of bots', async () => {
    const w = world();
    const me = await w.user('hoarder');
    for (let i = 0; i < limits.apiTokensPerAccount.max; i++) await createApiToken(w.db, me, forever);
    expect(await outcome(createApiToken(w.db, me, forever))).toMatch(
      /^BAD_REQUEST: An account may hold at most/,
    );
    const bots = [];
    for (let i = 0; i < limits.botsPerOwner.max; i++) {
      bots.push(await createBot(w.db, me, { username: `hb_${i}_${me.slice(0, 6)}` }));
    }
    expect(await outcome(createBot(w.db, me, { username: `hb_x_${me.slice(0, 6)}` }))).toMatch(
      /^BAD_REQUEST: You may have at most/,
    );
    // Deleting one makes room again; its tokens went with it.
    const [first] = bots;
    if (!first) throw new Error('no bot');
    await createApiToken(w.db, me, { ...forever, botId: first.id });
    const call = w.call();
    await deleteBot(call, me, first.id);
    expect(call.outbox.take().endedSessions).toHaveLength(1);
    expect(await outcome(createBot(w.db, me, { username: `hb_y_${me.slice(0, 6)}` }))).toBe('fulfilled');
  });

  it('someone else’s bot, or a person, is NOT_FOUND as a bot', async () => {
    const w = world();
    const [owner, other] = [await w.user('owner'), await w.user('other')];
    const bot = await createBot(w.db, owner, { username: `nb_${owner.slice(0, 8)}` });
    expect(await outcome(createApiToken(w.db, other, { ...forever, botId: bot.id }))).toBe(
      'NOT_FOUND: You have no such bot.',
    );
    expect(await outcome(createApiToken(w.db, other, { ...forever, botId: owner }))).toBe(
      'NOT_FOUND: You have no such bot.',
    );
    expect(await outcome(deleteBot(w.call(), other, bot.id))).toBe('NOT_FOUND: You have no such bot.');
  });
});
