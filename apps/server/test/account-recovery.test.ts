// Getting back into an account by email, through a real SMTP server on loopback: reset links
// that work once and not for long, stored only as hashes; the same answer for any address;
// every session ended by a reset; limits per caller and per address; email verification; and,
// without SMTP, the admin's reset link.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, emailLinks } from '@pigeon/db';
import { codeOf, linkIn, startSmtpInbox, type SmtpInbox } from '@pigeon/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerConfig } from '../src/config';
import { WS_CLOSE_SESSION_ENDED } from '../src/ws/close-codes';
import { backends, startTestServer, UNLIMITED, useTestServer, type TestServer } from './harness';
import { clientWith, loginAgain, socketWith } from './raw-sessions';

const PUBLIC_URL = 'http://chat.pigeon.test';

const emailConfig = (inbox: SmtpInbox): ServerConfig['email'] => ({
  smtp: { url: inbox.url },
  from: 'Pigeon <no-reply@pigeon.test>',
  publicUrl: PUBLIC_URL,
});

const mailTo = (address: string, subject: RegExp) => (mail: { to: string[]; subject: string }) =>
  mail.to.includes(address.toLowerCase()) && subject.test(mail.subject);

/** The token of the newest link of that kind mailed to `address`. */
async function tokenMailedTo(inbox: SmtpInbox, address: string, kind: 'reset' | 'verify', after = 0) {
  const subject = kind === 'reset' ? /Reset your Pigeon password/ : /Confirm your email/;
  const mail = await inbox.waitFor((m) => inbox.received.indexOf(m) >= after && mailTo(address, subject)(m));
  const link = new URL(linkIn(mail, `${PUBLIC_URL}/${kind}?token=`));
  return link.searchParams.get('token') ?? '';
}

let inbox: SmtpInbox;
beforeAll(async () => {
  inbox = await startSmtpInbox();
});
afterAll(() => inbox.close());
afterEach(() => vi.restoreAllMocks());

describe.each(backends)('account recovery by email (%s)', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { email: emailConfig(inbox) });
  });
  afterAll(() => t.close());

  it('says that people can reset their own password', async () => {
    expect(await t.client().auth.recovery.query()).toEqual({ emailDelivery: true });
  });

  it('mails a reset link that works once; the old password, every session and socket end', async () => {
    const user = await t.user('reset');
    const elsewhere = await loginAgain(t, user);
    const socket = socketWith(t, elsewhere.accessToken);
    await socket.opened;
    await socket.live;

    const anonymous = t.client();
    const since = inbox.received.length;
    // Capitals do not matter: an address is the same address.
    expect(await anonymous.auth.requestPasswordReset.mutate({ email: user.email.toUpperCase() })).toEqual({
      requested: true,
    });
    const token = await tokenMailedTo(inbox, user.email, 'reset', since);
    expect(token).toMatch(/^[\w-]{43}$/);

    // A refused password leaves the link usable for a better one.
    const refused = await codeOf(anonymous.auth.resetPassword.mutate({ token, newPassword: 'password123' }));
    expect(refused).toBe('BAD_REQUEST');
    const newPassword = 'an entirely new secret';
    expect(await anonymous.auth.resetPassword.mutate({ token, newPassword })).toEqual({
      username: user.username,
    });

    expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
    expect(await codeOf(clientWith(t, elsewhere.accessToken).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(user.client.auth.refresh.mutate({}))).toBe('UNAUTHORIZED');
    expect(
      await codeOf(t.client().auth.login.mutate({ username: user.username, password: user.password })),
    ).toBe('UNAUTHORIZED');
    const back = t.client();
    await back.auth.login.mutate({ username: user.username, password: newPassword });
    // Only the mailbox could open the link: the address counts as verified.
    expect((await back.auth.me.query()).emailVerified).toBe(true);

    const again = await codeOf(
      anonymous.auth.resetPassword.mutate({ token, newPassword: 'yet another secret' }),
    );
    expect(again).toBe('BAD_REQUEST');
  });

  it('works over REST too: ask for a link, then set the password with its token', async () => {
    const user = await t.user('rest');
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${t.url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const since = inbox.received.length;
    expect(await post('/auth/password-reset', { email: user.email })).toEqual({
      status: 200,
      body: { requested: true },
    });
    const token = await tokenMailedTo(inbox, user.email, 'reset', since);
    const done = await post('/auth/password-reset/confirm', { token, newPassword: 'set over plain http' });
    expect(done).toEqual({ status: 200, body: { username: user.username } });
    const again = await post('/auth/password-reset/confirm', { token, newPassword: 'set over plain http' });
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.body)).toContain('already been used');
  });

  it('answers an unknown address exactly as a known one, and mails it nothing', async () => {
    const user = await t.user('known');
    const anonymous = t.client();
    const since = inbox.received.length;
    const unknown = `nobody_${Date.now()}@example.com`;
    const forUnknown = await anonymous.auth.requestPasswordReset.mutate({ email: unknown });
    const forKnown = await anonymous.auth.requestPasswordReset.mutate({ email: user.email });
    expect(forUnknown).toEqual(forKnown);
    await tokenMailedTo(inbox, user.email, 'reset', since);
    expect(inbox.received.slice(since).some((m) => m.to.includes(unknown))).toBe(false);
  });

  it('refuses a link after its 30 minutes, and only the newest link works', async () => {
    const user = await t.user('expiry');
    const anonymous = t.client();
    let since = inbox.received.length;
    await anonymous.auth.requestPasswordReset.mutate({ email: user.email });
    const first = await tokenMailedTo(inbox, user.email, 'reset', since);
    since = inbox.received.length;
    await anonymous.auth.requestPasswordReset.mutate({ email: user.email });
    const second = await tokenMailedTo(inbox, user.email, 'reset', since);
    expect(second).not.toBe(first);
    expect(
      await codeOf(anonymous.auth.resetPassword.mutate({ token: first, newPassword: 'a later secret' })),
    ).toBe('BAD_REQUEST');

    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now + 31 * 60_000);
    const expired = anonymous.auth.resetPassword.mutate({ token: second, newPassword: 'a later secret' });
    await expect(expired).rejects.toThrow(/expired or has already been used/);
    vi.restoreAllMocks();
    const login = t.client().auth.login.mutate({ username: user.username, password: user.password });
    await expect(login).resolves.toBeTruthy();
  });

  it('refuses made-up and malformed tokens with typed errors', async () => {
    const anonymous = t.client();
    const madeUp = 'A'.repeat(43);
    expect(
      await codeOf(anonymous.auth.resetPassword.mutate({ token: madeUp, newPassword: 'long enough secret' })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(anonymous.auth.verifyEmail.mutate({ token: madeUp }))).toBe('BAD_REQUEST');
    expect(await codeOf(anonymous.auth.verifyEmail.mutate({ token: 'x'.repeat(500) }))).toBe('BAD_REQUEST');
    expect(await codeOf(anonymous.auth.requestPasswordReset.mutate({ email: 'not an address' }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('mails a verification link on sign-up; a new email is unverified until its own link is followed', async () => {
    const user = await t.user('verify');
    expect((await user.client.auth.me.query()).emailVerified).toBe(false);
    const token = await tokenMailedTo(inbox, user.email, 'verify');
    // The link proves the mailbox, not a login: it works in any browser.
    expect(await t.client().auth.verifyEmail.mutate({ token })).toEqual({ email: user.email });
    expect((await user.client.auth.me.query()).emailVerified).toBe(true);
    expect(await codeOf(t.client().auth.verifyEmail.mutate({ token }))).toBe('BAD_REQUEST');
    expect(await codeOf(user.client.auth.sendVerification.mutate())).toBe('BAD_REQUEST');

    const since = inbox.received.length;
    const newEmail = `new_${user.email}`;
    const changed = await user.client.auth.updateProfile.mutate({ email: newEmail });
    expect(changed.emailVerified).toBe(false);
    const newToken = await tokenMailedTo(inbox, newEmail, 'verify', since);

    // Asked again: a new link, and the one before stops working.
    const beforeResend = inbox.received.length;
    expect(await user.client.auth.sendVerification.mutate()).toEqual({ sentTo: newEmail });
    const latest = await tokenMailedTo(inbox, newEmail, 'verify', beforeResend);
    expect(await codeOf(t.client().auth.verifyEmail.mutate({ token: newToken }))).toBe('BAD_REQUEST');
    await t.client().auth.verifyEmail.mutate({ token: latest });
    expect((await user.client.auth.me.query()).emailVerified).toBe(true);
  });

  it('a verification link for an address the account no longer has proves nothing', async () => {
    const user = await t.user('moved');
    const oldToken = await tokenMailedTo(inbox, user.email, 'verify');
    await user.client.auth.updateProfile.mutate({ email: `moved_${user.email}` });
    expect(await codeOf(t.client().auth.verifyEmail.mutate({ token: oldToken }))).toBe('BAD_REQUEST');
    expect((await user.client.auth.me.query()).emailVerified).toBe(false);
  });
});

describe('limits on recovery emails and links', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('embedded', {
      email: emailConfig(inbox),
      rateLimits: {
        ...UNLIMITED,
        recoveryEmailsPerAddress: { points: 2, durationSeconds: 3_600 },
        recoveryEmailsPerIp: { points: 4, durationSeconds: 3_600 },
        emailLinksPerIp: { points: 2, durationSeconds: 900 },
      },
    });
  });
  afterAll(() => server.close());

  it('limits requests per address (known or not) and per caller, and guesses at links per caller', async () => {
    const anonymous = server.client();
    const ask = (email: string) => codeOf(anonymous.auth.requestPasswordReset.mutate({ email }));
    expect(await ask('someone@example.com')).toBe('ok');
    expect(await ask('Someone@Example.com')).toBe('ok');
    expect(await ask('someone@example.com')).toBe('TOO_MANY_REQUESTS');
    expect(await ask('other@example.com')).toBe('ok');
    expect(await ask('third@example.com')).toBe('TOO_MANY_REQUESTS');

    const guess = () => codeOf(anonymous.auth.verifyEmail.mutate({ token: 'B'.repeat(43) }));
    expect(await guess()).toBe('BAD_REQUEST');
    expect(await guess()).toBe('BAD_REQUEST');
    expect(await guess()).toBe('TOO_MANY_REQUESTS');
  });
});

describe('links at rest', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-recovery-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores only the SHA-256 of a link’s token', async () => {
    const t = await startTestServer('embedded', {
      email: emailConfig(inbox),
      database: { url: undefined, dataDir, poolSize: 1 },
    });
    let token: string;
    try {
      const user = await t.user('stored');
      const since = inbox.received.length;
      await t.client().auth.requestPasswordReset.mutate({ email: user.email });
      token = await tokenMailedTo(inbox, user.email, 'reset', since);
    } finally {
      await t.close();
    }
    const database = createDb({ dataDir });
    try {
      const rows = await database.db.select().from(emailLinks);
      expect(rows.length).toBeGreaterThanOrEqual(2); // the sign-up's verification link, and the reset
      const hash = createHash('sha256').update(token).digest('base64url');
      expect(rows.filter((r) => r.tokenHash === hash)).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      await database.close();
    }
  });
});

describe.each(backends)('without SMTP, the admin resets passwords (%s)', (backend) => {
  const t = useTestServer(backend);

  it('tells people to ask the admin, and the admin’s reset link works once', async () => {
    const admin = await t.user('admin');
    const user = await t.user('locked_out');
    const anonymous = t.client();
    expect(await anonymous.auth.recovery.query()).toEqual({ emailDelivery: false });
    const refused = anonymous.auth.requestPasswordReset.mutate({ email: user.email });
    await expect(refused).rejects.toThrow(/admin/);
    expect(await codeOf(user.client.auth.sendVerification.mutate())).toBe('PRECONDITION_FAILED');

    expect(await codeOf(user.client.admin.passwordResetLink.mutate({ userId: admin.id }))).toBe('FORBIDDEN');
    expect(await codeOf(admin.client.admin.passwordResetLink.mutate({ userId: admin.id }))).toBe(
      'BAD_REQUEST',
    );
    const { path, expiresAt } = await admin.client.admin.passwordResetLink.mutate({ userId: user.id });
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const token = new URL(path, t.url).searchParams.get('token') ?? '';
    expect(path.startsWith('/reset?token=')).toBe(true);

    await anonymous.auth.resetPassword.mutate({ token, newPassword: 'given back by the admin' });
    expect(await codeOf(user.client.auth.me.query())).toBe('UNAUTHORIZED');
    await t.client().auth.login.mutate({ username: user.username, password: 'given back by the admin' });
    expect(
      await codeOf(anonymous.auth.resetPassword.mutate({ token, newPassword: 'once more please' })),
    ).toBe('BAD_REQUEST');
  });
});

describe('a password reset and the login lock', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('embedded', {
      rateLimits: { ...UNLIMITED, loginFailuresPerAccount: { points: 3, durationSeconds: 900 } },
    });
  });
  afterAll(() => server.close());

  it('lifts the lock: the owner gets in at once with the new password', async () => {
    const admin = await server.user('admin');
    const user = await server.user('locked');
    const login = (password: string) =>
      codeOf(server.client().auth.login.mutate({ username: user.username, password }));
    for (let i = 0; i < 3; i++) expect(await login(`wrong guess ${i}`)).not.toBe('ok');
    expect(await login(user.password)).toBe('TOO_MANY_REQUESTS');

    const { path } = await admin.client.admin.passwordResetLink.mutate({ userId: user.id });
    const token = new URL(path, server.url).searchParams.get('token') ?? '';
    const newPassword = 'a password I will remember';
    await server.client().auth.resetPassword.mutate({ token, newPassword });
    expect(await login(newPassword)).toBe('ok');
  });
});
