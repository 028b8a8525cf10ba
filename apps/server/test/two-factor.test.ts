import type { TRPCClientError } from '@pigeon/client';
import { type AppRouter } from '@pigeon/client';
import { codeOf, errorCode } from '@pigeon/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backends, UNLIMITED, useTestServer } from './harness';
import { restClient } from './rest/rest-client';
import { codeFor, enableTwoFactor, passwordStep } from './two-factor-helpers';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

describe.each(backends)('two-factor authentication (%s)', (backend) => {
  const t = useTestServer(backend);

  afterEach(() => {
    vi.useRealTimers();
  });

  it('enrols only with a right code from the pending secret, and shows recovery codes once', async () => {
    const me = await t.user('enrol');
    expect(await me.client.auth.twoFactor.query()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await codeOf(me.client.auth.confirmTwoFactor.mutate({ code: '123456' }))).toBe('BAD_REQUEST');
    // A session alone cannot start it: the password is asked, and a wrong one makes no secret.
    expect(await codeOf(me.client.auth.startTwoFactor.mutate({ password: 'not the password' }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(me.client.auth.confirmTwoFactor.mutate({ code: '123456' }))).toBe('BAD_REQUEST');
    const { secret, otpauthUri } = await me.client.auth.startTwoFactor.mutate({ password: me.password });
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Pigeon:/);
    expect(otpauthUri).toContain(`secret=${secret}`);
    // Pending until confirmed: a login still gets a session at once.
    await expect(
      t.client().auth.login.mutate({ username: me.username, password: me.password }),
    ).resolves.toBeTruthy();
    const right = await codeFor(secret);
    const wrong = right === '000000' ? '111111' : '000000';
    expect(await codeOf(me.client.auth.confirmTwoFactor.mutate({ code: wrong }))).toBe('FORBIDDEN');
    expect(await codeOf(me.client.auth.confirmTwoFactor.mutate({ code: 'abc' }))).toBe('BAD_REQUEST');
    const { recoveryCodes } = await me.client.auth.confirmTwoFactor.mutate({ code: right });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await me.client.auth.twoFactor.query()).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    // Never handed out again.
    expect(await codeOf(me.client.auth.startTwoFactor.mutate({ password: me.password }))).toBe('CONFLICT');
    expect(JSON.stringify(await me.client.auth.exportData.query())).not.toContain(secret);
    // The enrolling session passed the factor; the earlier plain login did not.
    const sessions = await me.client.auth.sessions.query();
    expect(sessions.find((s) => s.current)?.secondFactor).toBe(true);
    expect(sessions.filter((s) => !s.secondFactor)).toHaveLength(1);
  });

  it('asks for a code after the password, takes a right one once, and marks the session', async () => {
    const me = await t.user('login');
    const { secret } = await enableTwoFactor(me.client, me.password);
    const anon = t.client();
    const challenge = await passwordStep(anon, me);
    // A wrong password still says only that.
    expect(
      messageOf(
        await anon.auth.login
          .mutate({ username: me.username, password: 'not the password' })
          .catch((e: unknown) => e),
      ),
    ).toBe('Wrong username or password.');
    const next = await codeFor(secret, 1);
    const wrong = next === '000000' ? '111111' : '000000';
    expect(await codeOf(anon.auth.loginSecondFactor.mutate({ challenge, code: wrong }))).toBe('UNAUTHORIZED');
    const session = await anon.auth.loginSecondFactor.mutate({ challenge, code: next });
    expect(session.user.id).toBe(me.id);
    expect((await anon.auth.me.query()).id).toBe(me.id);
    const mine = await anon.auth.sessions.query();
    expect(mine.find((s) => s.current)?.secondFactor).toBe(true);

    // The challenge is used up, and the same code cannot be replayed in its window.
    const again = await anon.auth.loginSecondFactor
      .mutate({ challenge, code: next })
      .catch((e: unknown) => e);
    expect(errorCode(again)).toBe('UNAUTHORIZED');
    expect(messageOf(again)).toMatch(/expired or was already used/);
    const replay = await t
      .client()
      .auth.loginSecondFactor.mutate({ challenge: await passwordStep(t.client(), me), code: next })
      .catch((e: unknown) => e);
    expect(errorCode(replay)).toBe('UNAUTHORIZED');
    expect(messageOf(replay)).toMatch(/not right, or was already used/);
    // An older code than the last one used is refused too.
    const older = await t
      .client()
      .auth.loginSecondFactor.mutate({
        challenge: await passwordStep(t.client(), me),
        code: await codeFor(secret),
      })
      .catch((e: unknown) => e);
    expect(errorCode(older)).toBe('UNAUTHORIZED');
  });

  it('takes each recovery code once', async () => {
    const me = await t.user('recovery');
    const { recoveryCodes } = await enableTwoFactor(me.client, me.password);
    const [first] = recoveryCodes;
    const client = t.client();
    const session = await client.auth.loginSecondFactor.mutate({
      challenge: await passwordStep(client, me),
      code: first?.toUpperCase() ?? '',
    });
    expect(session.user.id).toBe(me.id);
    expect(await me.client.auth.twoFactor.query()).toEqual({ enabled: true, recoveryCodesLeft: 9 });
    expect(
      await codeOf(
        t.client().auth.loginSecondFactor.mutate({
          challenge: await passwordStep(t.client(), me),
          code: first ?? '',
        }),
      ),
    ).toBe('UNAUTHORIZED');
  });

  it('refuses a challenge after it expires, and one that was never given', async () => {
    const me = await t.user('expiry');
    const { recoveryCodes } = await enableTwoFactor(me.client, me.password);
    const challenge = await passwordStep(t.client(), me);
    expect(
      await codeOf(
        t.client().auth.loginSecondFactor.mutate({ challenge: 'x'.repeat(43), code: recoveryCodes[0] ?? '' }),
      ),
    ).toBe('UNAUTHORIZED');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60 * 1000);
    const late = await t
      .client()
      .auth.loginSecondFactor.mutate({ challenge, code: recoveryCodes[0] ?? '' })
      .catch((e: unknown) => e);
    expect(errorCode(late)).toBe('UNAUTHORIZED');
    expect(messageOf(late)).toMatch(/expired/);
    vi.useRealTimers();
    // The code was not spent on the expired challenge.
    expect(await me.client.auth.twoFactor.query()).toEqual({ enabled: true, recoveryCodesLeft: 10 });
  });

  it('needs a code to change the password and to delete the account', async () => {
    const me = await t.user('guarded');
    const { recoveryCodes } = await enableTwoFactor(me.client, me.password);
    const [one, two] = recoveryCodes;
    const change = { currentPassword: me.password, newPassword: 'another long password' };
    const missing = await me.client.auth.changePassword.mutate(change).catch((e: unknown) => e);
    expect(errorCode(missing)).toBe('FORBIDDEN');
    expect(messageOf(missing)).toMatch(/two-factor/i);
    expect(await codeOf(me.client.auth.changePassword.mutate({ ...change, code: '000000' }))).toBe(
      'FORBIDDEN',
    );
    expect(await me.client.auth.changePassword.mutate({ ...change, code: one ?? '' })).toEqual({ ended: 0 });
    await expect(
      passwordStep(t.client(), { username: me.username, password: 'another long password' }),
    ).resolves.toBeTruthy();

    expect(await codeOf(me.client.auth.deleteAccount.mutate({ password: 'another long password' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await codeOf(
        me.client.auth.deleteAccount.mutate({ password: 'another long password', code: one ?? '' }),
      ),
    ).toBe('FORBIDDEN');
    expect((await me.client.auth.me.query()).id).toBe(me.id); // still there
    expect(
      await me.client.auth.deleteAccount.mutate({ password: 'another long password', code: two ?? '' }),
    ).toEqual({
      deleted: true,
    });
  });

  it('turns off only with a code, and then logins need the password alone', async () => {
    const me = await t.user('disable');
    const { secret, recoveryCodes } = await enableTwoFactor(me.client, me.password);
    const next = await codeFor(secret, 1);
    expect(
      await codeOf(me.client.auth.disableTwoFactor.mutate({ code: next === '000000' ? '111111' : '000000' })),
    ).toBe('FORBIDDEN');
    expect(await me.client.auth.disableTwoFactor.mutate({ code: next })).toEqual({ enabled: false });
    expect(await me.client.auth.twoFactor.query()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    const session = await t.client().auth.login.mutate({ username: me.username, password: me.password });
    expect(session.user.id).toBe(me.id);
    // The old recovery codes went with it.
    expect(await codeOf(me.client.auth.disableTwoFactor.mutate({ code: recoveryCodes[0] ?? '' }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe.each(backends)('two-factor codes are rate-limited like passwords (%s)', (backend) => {
  const t = useTestServer(backend, {
    rateLimits: { ...UNLIMITED, loginFailuresPerAccount: { points: 3, durationSeconds: 60 } },
  });

  it('refuses even a right code after too many wrong ones, with a retry-after', async () => {
    const me = await t.user('throttled');
    const { recoveryCodes } = await enableTwoFactor(me.client, me.password);
    const challenge = await passwordStep(t.client(), me);
    for (const guess of ['000001', '000002', '000003']) {
      expect(await codeOf(t.client().auth.loginSecondFactor.mutate({ challenge, code: guess }))).toBe(
        'UNAUTHORIZED',
      );
    }
    const throttled = await t
      .client()
      .auth.loginSecondFactor.mutate({ challenge, code: recoveryCodes[0] ?? '' })
      .catch((e: unknown) => e);
    expect(errorCode(throttled)).toBe('TOO_MANY_REQUESTS');
    expect((throttled as TRPCClientError<AppRouter>).data?.retryAfterSeconds).toBeGreaterThan(0);
    // A right code for a logged-in change is refused as well: one budget per account.
    expect(await codeOf(me.client.auth.disableTwoFactor.mutate({ code: recoveryCodes[0] ?? '' }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect(await me.client.auth.twoFactor.query()).toEqual({ enabled: true, recoveryCodesLeft: 10 });
  });
});

describe.each(backends)('two-factor over REST (%s)', (backend) => {
  const t = useTestServer(backend);

  it('answers /auth/token with a challenge that /auth/second-factor turns into a session', async () => {
    const me = await t.user('rest');
    const { recoveryCodes } = await enableTwoFactor(me.client, me.password);
    const rest = restClient(t.url);
    const first = await rest.call<{
      error: { code: string; secondFactorChallenge: { challenge: string } | null };
    }>('POST', '/auth/token', { json: { username: me.username, password: me.password } });
    expect(first.status).toBe(401);
    const challenge = first.body.error.secondFactorChallenge?.challenge ?? '';
    expect(challenge).not.toBe('');
    const second = await rest.call<{ access_token: string }>('POST', '/auth/second-factor', {
      json: { challenge, code: recoveryCodes[0] },
    });
    expect(second.status).toBe(200);
    const mine = await rest.call<{ id: string }>('GET', '/users/me', { token: second.body.access_token });
    expect(mine.body.id).toBe(me.id);
  });
});
