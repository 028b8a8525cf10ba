import { randomBytes } from 'node:crypto';
import { codeOf } from '@pigeon/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { WS_CLOSE_SESSION_ENDED } from '../src/ws/close-codes';
import { backends, befriend, newClientId, startTestServer, useTestServer, type TestServer } from './harness';
import { clientWith, loginAgain, socketWith } from './raw-sessions';

const password = 'correct horse battery';
const fresh = () => `n_${randomBytes(4).toString('hex')}`;

/** Registers with a fresh client; the promise rejects as the server refuses. */
function register(t: TestServer, inviteCode?: string) {
  const username = fresh();
  return t
    .client()
    .auth.register.mutate({ username, email: `${username}@example.com`, password, inviteCode });
}

describe.each(backends)('the admin (%s)', (backend) => {
  const t = useTestServer(backend);
  let first: Awaited<ReturnType<TestServer['user']>>;
  // Registered before anyone else on this server, so its admin.
  beforeAll(async () => {
    first = await t.user('first');
  });
  const adminOf = (_server: TestServer) => Promise.resolve(first.client);

  it('is the first account; the ones after are not', async () => {
    const second = await t.user('second');
    expect((await first.client.auth.me.query()).isAdmin).toBe(true);
    expect((await second.client.auth.me.query()).isAdmin).toBe(false);
    expect(await codeOf(second.client.admin.stats.query())).toBe('FORBIDDEN');
  });

  it('closes registration, makes it invite-only with invites that expire by use and by revocation, and opens it again', async () => {
    const admin = await adminOf(t);
    const anyone = t.client();
    expect(await anyone.auth.registration.query()).toEqual({ mode: 'open' });

    await admin.admin.updateSettings.mutate({ registrationMode: 'closed' });
    expect(await anyone.auth.registration.query()).toEqual({ mode: 'closed' });
    expect(await codeOf(register(t))).toBe('FORBIDDEN');

    await admin.admin.updateSettings.mutate({ registrationMode: 'invite' });
    expect(await codeOf(register(t))).toBe('FORBIDDEN');
    expect(await codeOf(register(t, 'not-a-real-code'))).toBe('FORBIDDEN');
    const { code, invite } = await admin.admin.createInvite.mutate({ maxUses: 2 });
    await register(t, code);
    await register(t, code);
    expect(await codeOf(register(t, code))).toBe('FORBIDDEN'); // used up
    const listed = await admin.admin.invites.query();
    expect(listed.find((i) => i.id === invite.id)?.uses).toBe(2);
    // The list never shows a code again.
    expect(JSON.stringify(listed)).not.toContain(code);

    const second = await admin.admin.createInvite.mutate({});
    await admin.admin.revokeInvite.mutate({ inviteId: second.invite.id });
    expect(await codeOf(register(t, second.code))).toBe('FORBIDDEN');

    await admin.admin.updateSettings.mutate({ registrationMode: 'open' });
    await register(t);
  });

  it('lists and searches users, and counts users, messages and connections', async () => {
    const admin = await adminOf(t);
    const a = await t.user('findme');
    const b = await t.user('other');
    const conversationId = await befriend(a, b);
    await a.client.messages.send.mutate({ conversationId, body: 'counted', clientId: newClientId() });
    const found = await admin.admin.users.query({ query: 'FINDME' });
    expect(found.users.map((u) => u.username)).toEqual([a.username]);
    expect(found.users[0]).toMatchObject({ email: a.email, isAdmin: false, deactivatedAt: null });
    // Wildcards are literal: "_" matches only an underscore.
    expect((await admin.admin.users.query({ query: 'findm_' })).users).toEqual([]);

    const page = await admin.admin.users.query({ limit: 1 });
    expect(page.users).toHaveLength(1);
    const next = await admin.admin.users.query({ limit: 1, cursor: page.nextCursor ?? '' });
    expect((next.users[0]?.username ?? '') > (page.users[0]?.username ?? '')).toBe(true);

    const stats = await admin.admin.stats.query();
    expect(stats.users).toBeGreaterThanOrEqual(3);
    expect(stats.messages).toBeGreaterThanOrEqual(1);
    expect(stats.registrationMode).toBe('open');
    const before = stats.connectedUsers;
    await b.client.presence.heartbeat.mutate({ connectionId: newClientId(), state: 'online' });
    expect((await admin.admin.stats.query()).connectedUsers).toBe(before + 1);
  });

  it('deactivates a user: their socket closes at once, their token and logins are refused; reactivating lets them in again', async () => {
    const admin = await adminOf(t);
    const user = await t.user('deactivated');
    const session = await loginAgain(t, user);
    const socket = socketWith(t, session.accessToken);
    await socket.opened;
    await socket.live;

    const off = await admin.admin.setUserActive.mutate({ userId: user.id, active: false });
    expect(off.deactivatedAt).not.toBeNull();
    expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
    expect(await codeOf(clientWith(t, session.accessToken).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(user.client.auth.refresh.mutate({}))).toBe('UNAUTHORIZED');
    expect(
      await codeOf(t.client().auth.login.mutate({ username: user.username, password: user.password })),
    ).toBe('FORBIDDEN');
    expect((await admin.admin.stats.query()).deactivatedUsers).toBeGreaterThanOrEqual(1);

    await admin.admin.setUserActive.mutate({ userId: user.id, active: true });
    const back = t.client();
    await back.auth.login.mutate({ username: user.username, password: user.password });
    expect((await back.auth.me.query()).id).toBe(user.id);
  });

  it('deletes a user as their own deletion would, and refuses to act on the admin’s own account', async () => {
    const admin = await adminOf(t);
    const adminId = (await admin.auth.me.query()).id;
    const user = await t.user('deleted');
    await admin.admin.deleteUser.mutate({ userId: user.id });
    expect(await codeOf(user.client.auth.me.query())).toBe('UNAUTHORIZED');
    expect((await admin.admin.users.query({ query: user.username })).users).toEqual([]);
    expect(await codeOf(admin.admin.deleteUser.mutate({ userId: user.id }))).toBe('NOT_FOUND');
    expect(await codeOf(admin.admin.setUserActive.mutate({ userId: adminId, active: false }))).toBe(
      'BAD_REQUEST',
    );
    expect(await codeOf(admin.admin.deleteUser.mutate({ userId: adminId }))).toBe('BAD_REQUEST');
  });
});

describe('registration mode from the environment', () => {
  it('REGISTRATION_MODE=invite applies until the admin chooses', async () => {
    const t = await startTestServer('embedded', { registrationMode: 'invite' });
    try {
      const admin = await t.user('admin'); // the first account is never refused
      expect(await t.client().auth.registration.query()).toEqual({ mode: 'invite' });
      expect(await codeOf(register(t))).toBe('FORBIDDEN');
      expect(await admin.client.admin.settings.query()).toEqual({
        registrationMode: 'invite',
        registrationModeDefault: 'invite',
      });
      await admin.client.admin.updateSettings.mutate({ registrationMode: 'open' });
      await register(t);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(backends.includes('cluster'))('deactivation across instances', () => {
  it('closes the user’s socket on another instance within seconds', async () => {
    const one = await startTestServer('cluster');
    const two = await startTestServer('cluster', { database: one.config.database, redis: one.config.redis });
    try {
      const admin = await one.user('admin');
      const user = await one.user('spread');
      const elsewhere = await loginAgain(two, user);
      const socket = socketWith(two, elsewhere.accessToken);
      await socket.opened;
      await socket.live;
      const started = Date.now();
      await admin.client.admin.setUserActive.mutate({ userId: user.id, active: false });
      expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
