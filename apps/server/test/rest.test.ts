import { randomUUID } from 'node:crypto';
import { DEFAULT_UPLOAD_LIMITS } from '@pigeon/api';
import { describe, expect, it } from 'vitest';
import { backends, startTestServer, UNLIMITED, useTestServer } from './harness';
import { restClient } from './rest/rest-client';

type ErrorBody = { error: { code: string; message: string; fieldErrors: Record<string, string[]> | null } };

describe.each(backends)('REST over the procedures (%s)', (backend) => {
  const t = useTestServer(backend);
  const api = () => restClient(t.url);

  it('registers, logs in (JSON and OAuth2 form), befriends, sends and reads history', async () => {
    const { call, register } = api();
    const alice = await register('alice');
    const bob = await register('bob');

    const json = await call<{ accessToken: string; user: { id: string } }>('POST', '/auth/token', {
      json: { username: alice.username, password: alice.password },
    });
    expect(json.status).toBe(200);
    expect(json.body.user.id).toBe(alice.id);
    const form = await call('POST', '/auth/token', {
      form: { grant_type: 'password', username: bob.username, password: bob.password, scope: '' },
    });
    expect(form.status).toBe(200);
    expect(form.body.token_type).toBe('bearer');
    expect(form.body.refresh_token).toBe(form.body.refreshToken);
    expect(typeof form.body.refresh_token).toBe('string');
    expect(form.body.access_token).toBe(form.body.accessToken);
    expect(form.body.expires_in).toBeGreaterThan(800);
    const bobToken = form.body.access_token as string;

    const me = await call('GET', '/users/me', { token: bobToken });
    expect(me.body).toMatchObject({ id: bob.id, username: bob.username });
    const limits = await call('GET', '/users/me/upload-limits', { token: bobToken });
    const { maxBytes, maxPerMessage, quotaBytes } = t.config.uploads ?? DEFAULT_UPLOAD_LIMITS;
    expect(limits.body).toEqual({ maxBytes, maxPerMessage, quotaBytes });
    const found = await call<{ users: { id: string }[] }>(
      'GET',
      `/users/search?query=${alice.username}&limit=5`,
      { token: bobToken },
    );
    expect(found.body.users.map((u) => u.id)).toEqual([alice.id]);

    const asked = await call<{ status: string; request: { id: string } }>('POST', '/friends/requests', {
      token: bobToken,
      json: { username: alice.username },
    });
    expect(asked.body.status).toBe('pending');
    const pending = await call<{ incoming: { id: string }[] }>('GET', '/friends/requests', {
      token: alice.token,
    });
    expect(pending.body.incoming.map((r) => r.id)).toEqual([asked.body.request.id]);
    const accepted = await call('POST', `/friends/requests/${asked.body.request.id}/accept`, {
      token: alice.token,
    });
    expect(accepted.status).toBe(200);
    const friends = await call<{ id: string }[]>('GET', '/friends', { token: alice.token });
    expect(friends.body.map((f) => f.id)).toEqual([bob.id]);

    const opened = await call<{ id: string }>('POST', '/conversations', {
      token: alice.token,
      json: { userId: bob.id },
    });
    const conversationId = opened.body.id;
    const clientId = randomUUID();
    const sent = await call<{ id: number; body: string }>(
      'POST',
      `/conversations/${conversationId}/messages`,
      {
        token: alice.token,
        json: { body: 'hello over REST', clientId },
      },
    );
    expect(sent.status).toBe(201);
    // Idempotent by clientId, as over tRPC.
    const again = await call<{ id: number }>('POST', `/conversations/${conversationId}/messages`, {
      token: alice.token,
      json: { body: 'hello over REST', clientId },
    });
    expect(again.body.id).toBe(sent.body.id);

    const history = await call<{ messages: { id: number; body: string }[] }>(
      'GET',
      `/conversations/${conversationId}/messages?limit=10`,
      { token: bobToken },
    );
    expect(history.body.messages.map((m) => m.body)).toEqual(['hello over REST']);
    const list = await call<{ id: string }[]>('GET', '/conversations', { token: bobToken });
    expect(list.body.map((c) => c.id)).toEqual([conversationId]);

    // Declining answers 204 with no body.
    const carol = await register('carol');
    const carolAsks = await call<{ request: { id: string } }>('POST', '/friends/requests', {
      token: carol.token,
      json: { userId: alice.id },
    });
    const declined = await call('POST', `/friends/requests/${carolAsks.body.request.id}/decline`, {
      token: alice.token,
    });
    expect(declined.status).toBe(204);
  });

  it('answers typed JSON errors with the status tRPC gives their code', async () => {
    const { call, register } = api();
    const invalid = await call<ErrorBody>('POST', '/auth/register', {
      json: { username: 'x', email: 'nope', password: 'short' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('BAD_REQUEST');
    expect(Object.keys(invalid.body.error.fieldErrors ?? {}).sort()).toEqual([
      'email',
      'password',
      'username',
    ]);
    expect(invalid.body.error.message).toMatch(/Username must be at least/);

    const anonymous = await call<ErrorBody>('GET', '/users/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
    const forged = await call<ErrorBody>('GET', '/friends', { token: 'not-a-token' });
    expect(forged.status).toBe(401);

    const dave = await register('dave');
    const taken = await call<ErrorBody>('POST', '/auth/register', {
      json: { username: dave.username.toUpperCase(), email: 'other@example.com', password: 'long enough pw' },
    });
    expect(taken.status).toBe(409);
    const stranger = await call<ErrorBody>('GET', `/conversations/${randomUUID()}/messages`, {
      token: dave.token,
    });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('NOT_FOUND');
    const badQuery = await call<ErrorBody>('GET', '/users/search?query=a&limit=many', { token: dave.token });
    expect(badQuery.status).toBe(400);

    const nowhere = await call<ErrorBody>('GET', '/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error.code).toBe('NOT_FOUND');
    const malformed = await call<ErrorBody>('GET', '/users/%E0%A4%A', { token: dave.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('BAD_REQUEST');
    const outside = await fetch(`${t.url}/api/v2/users/me`);
    expect(outside.status).toBe(404);
    expect(((await outside.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
    const wrongMethod = await call<ErrorBody>('PUT', '/friends', { token: dave.token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    const plain = await call<ErrorBody>('POST', '/friends/requests', {
      token: dave.token,
      json: { username: 'someone' },
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(415);
    const formWhereJson = await call<ErrorBody>('POST', '/friends/requests', {
      token: dave.token,
      form: { username: 'someone' },
    });
    expect(formWhereJson.status).toBe(415);
    const broken = await call<ErrorBody>('POST', '/friends/requests', {
      token: dave.token,
      json: undefined,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(broken.status).toBe(400);
    const huge = await call<ErrorBody>('POST', '/auth/token', {
      json: { username: 'x', password: 'y'.repeat(300 * 1024) },
    });
    expect(huge.status).toBe(413);
  });

  it('authenticates exactly as tRPC does: one session, one token, ended together', async () => {
    const { call } = api();
    const user = await t.user('shared');
    const login = await call<{ accessToken: string }>('POST', '/auth/token', {
      json: { username: user.username, password: user.password },
    });
    const token = login.body.accessToken;
    expect((await call('GET', '/users/me', { token })).status).toBe(200);
    // Logging out over REST ends the session for tRPC's HTTP door too.
    expect((await call('POST', '/auth/logout', { token })).status).toBe(204);
    expect((await call('GET', '/users/me', { token })).status).toBe(401);
    const trpc = await fetch(`${t.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    expect(trpc.status).toBe(401);
  });
});

describe('REST rate limits', () => {
  it('answers 429 with Retry-After from the procedure’s own limit', async () => {
    const server = await startTestServer('embedded', {
      rateLimits: { ...UNLIMITED, registrationsPerIp: { points: 1, durationSeconds: 60 } },
    });
    try {
      const { call, register } = restClient(server.url);
      await register('first');
      const second = await call<ErrorBody>('POST', '/auth/register', {
        json: { username: 'second_user', email: 'second@example.com', password: 'long enough pw' },
      });
      expect(second.status).toBe(429);
      expect(second.body.error.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 120_000);
});
