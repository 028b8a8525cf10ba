import { users } from '@pigeon/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimits, DEFAULT_RATE_LIMITS, RetryAfter, type RateLimitRules } from '../src/rate-limits';
import { deleteAccount } from '../src/services/account-deletion';
import { changePassword } from '../src/services/password-change';
import { underPasswordLimits, WrongPassword, type PasswordAttempt } from '../src/services/password-attempts';
import { login } from '../src/services/sign-in';
import { createTokenService } from '../src/services/tokens';
import { outcome, useWorld } from './support/world';
import { createSecretBox } from '../src/services/secret-box';

const rules = (overrides: Partial<RateLimitRules>): RateLimitRules => ({
  ...DEFAULT_RATE_LIMITS,
  loginFailuresPerAccount: { points: 1_000, durationSeconds: 900 },
  loginFailuresPerIp: { points: 1_000, durationSeconds: 900 },
  loginBackoff: { points: 1_000, durationSeconds: 900 },
  ...overrides,
});

/** A password check that is right or wrong as asked, and counts how often it really ran. */
function checker() {
  let runs = 0;
  return {
    runs: () => runs,
    right: () => {
      runs++;
      return Promise.resolve('in');
    },
    wrong: () => {
      runs++;
      return Promise.reject(
        new WrongPassword({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' }),
      );
    },
  };
}

/** The refusal's code and wait, or how the attempt went. */
async function tried(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    if (err.code !== 'TOO_MANY_REQUESTS') return err.code;
    return err.cause instanceof RetryAfter ? `wait ${err.cause.seconds} s` : err.code;
  }
}

const loginAs = (username: string, ip = '10.0.0.1'): PasswordAttempt => ({ kind: 'login', username, ip });
const confirmationBy = (userId: string, ip = '10.0.0.1'): PasswordAttempt => ({
  kind: 'confirmation',
  userId,
  ip,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a password check under limits', () => {
  it('counts wrong passwords per account; past the limit even the right one is refused unchecked', async () => {
    const limits = createRateLimits(
      rules({ loginFailuresPerAccount: { points: 3, durationSeconds: 900 } }),
      null,
    );
    const check = checker();
    for (let i = 0; i < 3; i++) {
      expect(await tried(underPasswordLimits(limits, loginAs('Alice'), check.wrong))).toBe('UNAUTHORIZED');
    }

    expect(await tried(underPasswordLimits(limits, loginAs('alice', '10.9.9.9'), check.right))).toMatch(
      /^wait/,
    );
    expect(check.runs()).toBe(3);
    expect(await tried(underPasswordLimits(limits, loginAs('bob'), check.right))).toBe('ok');
  });

  it('clears the account’s count when a login succeeds', async () => {
    const limits = createRateLimits(
      rules({ loginFailuresPerAccount: { points: 3, durationSeconds: 900 } }),
      null,
    );
    const check = checker();
    await tried(underPasswordLimits(limits, loginAs('carol'), check.wrong));
    await tried(underPasswordLimits(limits, loginAs('carol'), check.wrong));
    expect(await tried(underPasswordLimits(limits, loginAs('carol'), check.right))).toBe('ok');

    for (let i = 0; i < 3; i++) {
      expect(await tried(underPasswordLimits(limits, loginAs('carol'), check.wrong))).toBe('UNAUTHORIZED');
    }
    expect(await tried(underPasswordLimits(limits, loginAs('carol'), check.right))).toMatch(/^wait/);
  });

  it('makes each wrong password past the free ones wait twice as long, per account and address, until a success', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const limits = createRateLimits(rules({ loginBackoff: { points: 2, durationSeconds: 900 } }), null);
    const check = checker();
    const attempt = (how: () => Promise<string>, ip?: string) =>
      tried(underPasswordLimits(limits, loginAs('dave', ip), how));
    const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000 + 1);

    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED');
    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED'); // two free
    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED');
    expect(await attempt(check.right)).toBe('wait 1 s');
    expect(await attempt(check.right, '10.7.7.7')).toBe('ok'); // the owner, elsewhere, is not slowed
    later(1);
    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED');
    expect(await attempt(check.wrong)).toBe('wait 2 s');
    later(2);
    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED');
    expect(await attempt(check.wrong)).toBe('wait 4 s');
    later(4);
    expect(await attempt(check.right)).toBe('ok');
    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED'); // counting from the start again
    expect(await attempt(check.wrong)).toBe('UNAUTHORIZED');
  });

  it('spends the address’s budget on failed logins only, not on failed confirmations', async () => {
    const limits = createRateLimits(rules({ loginFailuresPerIp: { points: 2, durationSeconds: 900 } }), null);
    const check = checker();
    const ip = '10.1.2.3';
    for (const userId of ['u1', 'u2', 'u3']) {
      await tried(underPasswordLimits(limits, confirmationBy(userId, ip), check.wrong));
    }
    expect(await tried(underPasswordLimits(limits, loginAs('erin', ip), check.right))).toBe('ok');

    await tried(underPasswordLimits(limits, loginAs('frank', ip), check.wrong));
    await tried(underPasswordLimits(limits, loginAs('grace', ip), check.wrong));
    expect(await tried(underPasswordLimits(limits, loginAs('heidi', ip), check.right))).toMatch(/^wait/);
    expect(await tried(underPasswordLimits(limits, loginAs('heidi', '10.3.2.1'), check.right))).toBe('ok');
  });

  it('counts only wrong passwords, not other failures', async () => {
    const limits = createRateLimits(
      rules({ loginFailuresPerAccount: { points: 1, durationSeconds: 900 } }),
      null,
    );
    const outage = () => Promise.reject(new Error('connection refused'));
    const refusal = () => Promise.reject(new TRPCError({ code: 'FORBIDDEN', message: 'not this' }));
    await expect(underPasswordLimits(limits, confirmationBy('ivan'), outage)).rejects.toThrow(
      'connection refused',
    );
    expect(await tried(underPasswordLimits(limits, confirmationBy('ivan'), refusal))).toBe('FORBIDDEN');
    expect(await tried(underPasswordLimits(limits, confirmationBy('ivan'), checker().right))).toBe('ok');
  });
});

describe('the password checks that go under these limits', () => {
  const world = useWorld('pglite');
  const password = 'correct horse battery';
  const tokens = createTokenService({
    jwtSecret: 'password-limits-test'.padEnd(40, '!'),
    accessTokenTtlSeconds: 60,
    refreshTokenTtlSeconds: 3_600,
  });
  /** A fresh call to the services, whose limits allow two wrong passwords per account. */
  const callWith = (limits: ReturnType<typeof createRateLimits>) => ({
    ...world().call(),
    tokens,
    rateLimits: limits,
    ip: '10.0.0.1',
    userAgent: null,
    cookies: null,
    registrationModeDefault: 'open' as const,
    secretBox: createSecretBox({}),
  });
  const twoWrong = () =>
    createRateLimits(rules({ loginFailuresPerAccount: { points: 2, durationSeconds: 900 } }), null);
  const usernameOf = async (id: string) =>
    (await world().db.select({ username: users.username }).from(users).where(eq(users.id, id)))[0]
      ?.username ?? '';

  it('counts wrong passwords at login', async () => {
    const limits = twoWrong();
    const username = await usernameOf(await world().user('login', password));
    const attempt = (p: string) => outcome(login(callWith(limits), { username, password: p, cookie: false }));

    expect(await attempt('wrong one')).toBe('UNAUTHORIZED: Wrong username or password.');
    expect(await attempt('wrong two')).toBe('UNAUTHORIZED: Wrong username or password.');
    expect(await attempt(password)).toMatch(/^TOO_MANY_REQUESTS/);
  });

  it('counts wrong current passwords on a password change, and changes nothing then', async () => {
    const limits = twoWrong();
    const userId = await world().user('change', password);
    const viewer = { userId, sessionId: crypto.randomUUID() };
    const attempt = (current: string) =>
      outcome(
        changePassword(callWith(limits), viewer, { currentPassword: current, newPassword: 'a new one!' }),
      );

    expect(await attempt('wrong one')).toBe('FORBIDDEN: The current password is not right.');
    expect(await attempt('wrong two')).toBe('FORBIDDEN: The current password is not right.');
    expect(await attempt(password)).toMatch(/^TOO_MANY_REQUESTS/);
    const username = await usernameOf(userId);
    expect(await outcome(login(callWith(twoWrong()), { username, password, cookie: false }))).toBe(
      'fulfilled',
    );
  });

  it('counts wrong passwords on account deletion, and deletes nothing then', async () => {
    const limits = twoWrong();
    const userId = await world().user('delete', password);
    const attempt = (p: string) => outcome(deleteAccount(callWith(limits), userId, p));

    expect(await attempt('wrong one')).toBe('FORBIDDEN: The password is not right.');
    expect(await attempt('wrong two')).toBe('FORBIDDEN: The password is not right.');
    expect(await attempt(password)).toMatch(/^TOO_MANY_REQUESTS/);
    const [row] = await world().db.select().from(users).where(eq(users.id, userId));
    expect(row?.deletedAt).toBeNull();
  });
});
