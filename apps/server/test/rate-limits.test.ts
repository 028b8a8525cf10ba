import { TRPCClientError, type AppRouter } from '@pigeon/client';
import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, newClientId, startTestServer, UNLIMITED, useTestServer } from './harness';

const retryAfterOf = (err: unknown) =>
  err instanceof TRPCClientError ? (err as TRPCClientError<AppRouter>).data?.retryAfterSeconds : undefined;

describe.each(backends)('rate limits (%s)', (backend) => {
  const t = useTestServer(backend, {
    rateLimits: {
      ...UNLIMITED,
      loginFailuresPerAccount: { points: 10, durationSeconds: 60 },
      loginFailuresPerIp: { points: 1_000, durationSeconds: 60 },
      messages: { points: 5, durationSeconds: 1, burst: { points: 5, durationSeconds: 10 } },
      searches: { points: 3, durationSeconds: 60 },
    },
  });

  it('throttles the 11th rapid wrong password for one account, even a right one, with a retry-after', async () => {
    const victim = await t.user('victim');
    const attacker = t.client();
    for (let i = 0; i < 10; i++) {
      const err = await attacker.auth.login
        .mutate({ username: victim.username, password: `guess number ${i}` })
        .catch((e: unknown) => e);
      expect(errorCode(err)).toBe('UNAUTHORIZED');
    }
    const eleventh = await attacker.auth.login
      .mutate({ username: victim.username.toUpperCase(), password: 'guess number 11' })
      .catch((e: unknown) => e);
    expect(errorCode(eleventh)).toBe('TOO_MANY_REQUESTS');
    expect(retryAfterOf(eleventh)).toBeGreaterThan(0);
    const evenRight = await t
      .client()
      .auth.login.mutate({ username: victim.username, password: victim.password })
      .catch((e: unknown) => e);
    expect(errorCode(evenRight)).toBe('TOO_MANY_REQUESTS');

    // Over HTTP the wait is in the standard header as well.
    const res = await fetch(`${t.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: victim.username, password: 'whatever it is' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts wrong passwords on password change against the same limit, so a stolen token cannot guess', async () => {
    const victim = await t.user('stolen');
    for (let i = 0; i < 10; i++) {
      const err = await victim.client.auth.changePassword
        .mutate({ currentPassword: `guess ${i}`, newPassword: 'taken over now' })
        .catch((e: unknown) => e);
      expect(errorCode(err)).toBe('FORBIDDEN');
    }
    const eleventh = await victim.client.auth.changePassword
      .mutate({ currentPassword: victim.password, newPassword: 'taken over now' })
      .catch((e: unknown) => e);
    expect(errorCode(eleventh)).toBe('TOO_MANY_REQUESTS');
  });

  it('throttles a flood of sends without losing or doubling an accepted one', async () => {
    const a = await t.user('flooder');
    const b = await t.user('flooded');
    const conversationId = await befriend(a, b);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        a.client.messages.send.mutate({ conversationId, body: `flood ${i}`, clientId: newClientId() }),
      ),
    );
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(accepted.length).toBeLessThan(30);
    for (const err of refused) expect(errorCode(err)).toBe('TOO_MANY_REQUESTS');
    const history = await b.client.messages.history.query({ conversationId, limit: 100 });
    expect(history.messages.map((m) => m.id).sort((x, y) => x - y)).toEqual(
      accepted.map((m) => m.id).sort((x, y) => x - y),
    );
  });

  it('limits searches per minute', async () => {
    const a = await t.user('searcher');
    for (let i = 0; i < 3; i++) await a.client.users.search.query({ query: 'abc' });
    const err = await a.client.users.search.query({ query: 'abc' }).catch((e: unknown) => e);
    expect(errorCode(err)).toBe('TOO_MANY_REQUESTS');
  });
});

describe.each(backends)('login back-off (%s)', (backend) => {
  const t = useTestServer(backend, {
    trustProxy: true,
    rateLimits: { ...UNLIMITED, loginBackoff: { points: 2, durationSeconds: 4 } },
  });

  /** A login over HTTP from the given address (the server trusts the proxy's X-Real-IP here). */
  async function login(username: string, password: string, ip: string) {
    const res = await fetch(`${t.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-real-ip': ip },
      body: JSON.stringify({ username, password }),
    });
    return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('makes each wrong password in a row wait twice as long as the last, per address, until a success', async () => {
    const victim = await t.user('backoff');
    const attacker = '203.0.113.7';
    // The free ones.
    expect((await login(victim.username, 'wrong one', attacker)).status).toBe(401);
    expect((await login(victim.username, 'wrong two', attacker)).status).toBe(401);
    // The third in a row is answered, then the next try must wait 1 s, even with the right password.
    expect((await login(victim.username, 'wrong three', attacker)).status).toBe(401);
    expect(await login(victim.username, victim.password, attacker)).toEqual({ status: 429, retryAfter: 1 });
    await sleep(1_100);
    expect((await login(victim.username, 'wrong four', attacker)).status).toBe(401);
    expect(await login(victim.username, 'wrong five', attacker)).toEqual({ status: 429, retryAfter: 2 });

    // The owner, from their own address, is not slowed down by the guesser.
    expect((await login(victim.username, victim.password, '198.51.100.2')).status).toBe(200);

    // A success from the guessed-at address starts the count again.
    await sleep(2_100);
    expect((await login(victim.username, victim.password, attacker)).status).toBe(200);
    expect((await login(victim.username, 'wrong again', attacker)).status).toBe(401);
    expect((await login(victim.username, 'and again', attacker)).status).toBe(401);
  });
});

describe.runIf(backends.includes('cluster'))('rate limits across instances', () => {
  it('counts login failures in Redis, so a second instance refuses too', async () => {
    const limits = { ...UNLIMITED, loginFailuresPerAccount: { points: 3, durationSeconds: 60 } };
    const one = await startTestServer('cluster', { rateLimits: limits });
    const two = await startTestServer('cluster', {
      rateLimits: limits,
      database: one.config.database,
      redis: one.config.redis,
    });
    try {
      const victim = await one.user('shared');
      for (let i = 0; i < 3; i++) {
        await one
          .client()
          .auth.login.mutate({ username: victim.username, password: `nope ${i}` })
          .catch(() => undefined);
      }
      const err = await two
        .client()
        .auth.login.mutate({ username: victim.username, password: victim.password })
        .catch((e: unknown) => e);
      expect(errorCode(err)).toBe('TOO_MANY_REQUESTS');
    } finally {
      await two.close();
      await one.close();
    }
  });
});
