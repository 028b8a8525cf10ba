// Hostile input against every procedure, through the real server: random and malicious payloads
// must always get a typed error (never a 500, never a stack trace) and must never change data.
import { appRouter } from '@pigeon/api';
import { errorCode } from '@pigeon/test-utils';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeApiToken } from './api-token-clients';
import { backends, befriend, newClientId, useTestServer, type TestServer } from './harness';

const TRPC_CODES = new Set([
  'PARSE_ERROR',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_SUPPORTED',
  'PRECONDITION_FAILED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE_CONTENT',
  'TOO_MANY_REQUESTS',
]);

/** Every procedure; logging out (the fuzzing session's own) goes last. */
// At run time tRPC keeps every procedure under its full dotted path (the type says nested).
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string; inputs: unknown[] } }>,
)
  .map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    takesInput: procedure._def.inputs.length > 0,
  }))
  .sort((x, y) => Number(x.path === 'auth.logout') - Number(y.path === 'auth.logout'));
// (revokeOtherSessions takes no input, so any payload "succeeds"; it ends only the caller's other logins.)

/**
 * Calls whose success with a random input is legitimate: they take no data worth checking, or
 * make something of the caller's own from any valid name (a bot, a token).
 */
// (An invite with the default use count and expiry is a valid call for the admin, if the fuzzing
// user happens to be the server's first account.)
const MAY_SUCCEED = new Set([
  'auth.register',
  'auth.logout',
  'auth.revokeOtherSessions',
  'admin.createInvite',
  'bots.create',
  'tokens.create',
  'auth.resume',
  'auth.requestPasswordReset',
  // Back to no photo: the fuzzing user has none, so nothing changes.
  'auth.removeAvatar',
]);

/** The only procedures anyone may call without a token. */
const PUBLIC = new Set([
  'auth.register',
  'auth.registration',
  'auth.login',
  'auth.loginSecondFactor',
  'auth.refresh',
  'auth.resume',
  'auth.recovery',
  'auth.requestPasswordReset',
  'auth.resetPassword',
  'auth.verifyEmail',
]);

/** Field names the API uses, so hostile values also land where the schemas look. */
const FIELDS = [
  'conversationId',
  'body',
  'clientId',
  'userId',
  'username',
  'email',
  'password',
  'currentPassword',
  'newPassword',
  'requestId',
  'sessionId',
  'cursor',
  'limit',
  'query',
  'refreshToken',
  'challenge',
  'code',
  'lastEventId',
  'cookie',
  'name',
  'scope',
  'expiresInDays',
  'botId',
  'tokenId',
  'token',
  '__proto__',
  'constructor',
];

/** C0 and C1 control characters, DEL, and the bidi controls that reorder how text displays. */
const controlChar = fc
  .oneof(
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.constantFrom(0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069),
  )
  .map((code) => String.fromCharCode(code));

/** What PostgreSQL's text cannot store: NUL, and UTF-16 surrogates without their partner. */
const unstorableChar = fc.oneof(
  fc.constant('\u0000'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
);

/** Text around the unstorable character: ordinary, control, right-to-left, or very long. */
const textNoise = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: controlChar, maxLength: 20 }),
  fc.constantFrom('', 'hello', '\u202Egnp.exe', 'שלום\u202D', '𝕏👍🏽', 'a'.repeat(5_000), '𝕏'.repeat(3_000)),
);

/** A string that no text field may accept, since it could not be stored. */
const unstorableString = fc
  .tuple(textNoise, unstorableChar, textNoise)
  .map(([before, bad, after]) => before + bad + after);

const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: controlChar, maxLength: 40 }),
  unstorableString,
  fc.constantFrom(
    "' OR 1=1 --",
    "'; drop table users; --",
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'javascript:alert(1)',
    '\u0000',
    '\uD800',
    '\u202E\u202D',
    '𝕏'.repeat(2_000),
    'a'.repeat(20_000),
    '../../etc/passwd',
    '{{7*7}}${7*7}',
    '%00%0d%0a',
    '00000000-0000-0000-0000-000000000000',
    '-1',
    '1e309',
  ),
);

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const hostileValue = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 50, max: 3_000 }).map(nested),
  fc.constantFrom(null, -1, 0, 2 ** 53, -(2 ** 63), 1.5, true, [], {}),
);

const hostileInput = fc.oneof(
  { weight: 1, arbitrary: hostileValue },
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 4 }) },
);

interface Reply {
  status: number;
  text: string;
}

async function call(t: TestServer, path: string, type: string, input: unknown, token: string | null) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const json = JSON.stringify(input);
  const res =
    type === 'query'
      ? await fetch(`${t.url}/trpc/${path}?input=${encodeURIComponent(json)}`, { headers })
      : await fetch(`${t.url}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: json,
        });
  return { status: res.status, text: await res.text() } satisfies Reply;
}

/** What every refusal must look like: a 4xx with a known tRPC code and a plain message. */
function expectTypedRefusal(reply: Reply, what: string) {
  expect(reply.status, what).toBeLessThan(500);
  if (reply.status === 200) return;
  // Node itself refuses URLs over its header limit before tRPC sees them.
  if (reply.status === 431) return;
  const body = JSON.parse(reply.text) as {
    error?: { message?: unknown; data?: { code?: unknown; stack?: unknown } };
  };
  expect(TRPC_CODES.has(String(body.error?.data?.code)), `${what}: ${reply.text.slice(0, 200)}`).toBe(true);
  expect(typeof body.error?.message).toBe('string');
  expect(body.error?.data?.stack, what).toBeUndefined();
  expect(String(body.error?.message), what).not.toMatch(/\n\s+at /);
}

/** Everything two friends can see of their world, through the API. */
async function worldOf(users: Awaited<ReturnType<TestServer['user']>>[], conversationId: string) {
  return Promise.all(
    users.map(async ({ client }) => ({
      friends: await client.friends.list.query(),
      requests: await client.friends.requests.query(),
      conversations: await client.conversations.list.query(),
      // Someone outside the conversation sees its refusal, which must not change either.
      history: await client.messages.history.query({ conversationId, limit: 50 }).catch(errorCode),
      me: await client.auth.me.query(),
      settings: await client.settings.get.query(),
      blocked: await client.friends.blocked.query(),
    })),
  );
}

/** The paths to every leaf of a value (object fields and array items), for one to be spoiled. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, [...prefix, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
  }
  return prefix.length > 0 ? [prefix] : [];
}

/** A copy of `value` with the leaf at `path` replaced. */
function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

/** What takes the place of one valid field: text that cannot be stored, or a deep or huge structure. */
const spoiledValue = fc.oneof(
  { weight: 6, arbitrary: unstorableString },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 2_000 }).map(nested) },
  { weight: 1, arbitrary: fc.constant(['x'.repeat(1_000), '\u0000'].concat(Array<string>(2_000).fill('y'))) },
);

type FuzzUser = Awaited<ReturnType<TestServer['user']>>;

/**
 * A valid input for each procedure that takes one, about real rows of the fuzzing user `a`: so a
 * spoiled field is the only thing wrong with it, and the check behind the schema is reached.
 */
async function validInputs(t: TestServer, a: FuzzUser, b: FuzzUser, c: FuzzUser) {
  const conversationId = await befriend(a, b);
  const message = await a.client.messages.send.mutate({
    conversationId,
    body: 'before the storm',
    clientId: newClientId(),
  });
  const group = await a.client.conversations.createGroup.mutate({ name: 'fuzz group', memberIds: [b.id] });
  const { request } = await c.client.friends.request.mutate({ username: a.username });
  await t.client().auth.login.mutate({ username: a.username, password: a.password });
  const otherSession = (await a.client.auth.sessions.query()).find((s) => !s.current);
  const inputs: Record<string, unknown> = {
    'auth.register': {
      username: 'fuzz_newcomer',
      email: 'fuzz_newcomer@example.com',
      password: 'long enough pass',
      inviteCode: 'an-invite-code',
    },
    'auth.login': { username: a.username, password: a.password },
    'auth.refresh': { refreshToken: 'r'.repeat(43) },
    'auth.loginSecondFactor': { challenge: 'c'.repeat(43), code: '123456' },
    'auth.startTwoFactor': { password: a.password },
    'auth.confirmTwoFactor': { code: '123456' },
    'auth.disableTwoFactor': { code: '123456' },
    'auth.revokeSession': { sessionId: otherSession?.id },
    'auth.deleteAccount': { password: a.password },
    'auth.changePassword': { currentPassword: a.password, newPassword: 'a different long pass' },
    'auth.updateProfile': {
      username: 'fuzz_renamed',
      displayName: 'Fuzz Renamed',
      email: 'fuzz_renamed@example.com',
    },
    'auth.requestPasswordReset': { email: a.email },
    'auth.resetPassword': { token: 'A'.repeat(43), newPassword: 'a different long pass' },
    'auth.verifyEmail': { token: 'A'.repeat(43) },
    'conversations.open': { userId: b.id },
    'conversations.markRead': { conversationId, messageId: message.id },
    'conversations.clear': { conversationId },
    'conversations.mute': { conversationId, muted: true },
    'conversations.createGroup': { name: 'another group', memberIds: [b.id] },
    'conversations.rename': { conversationId: group.id, name: 'renamed' },
    'conversations.removeAvatar': { conversationId: group.id },
    'conversations.addMembers': { conversationId: group.id, userIds: [c.id] },
    'conversations.removeMember': { conversationId: group.id, userId: b.id },
    'conversations.leave': { conversationId: group.id },
    'conversations.typing': { conversationId },
    'friends.request': { username: c.username },
    'friends.accept': { requestId: request.id },
    'friends.decline': { requestId: request.id },
    'friends.cancel': { requestId: request.id },
    'friends.remove': { userId: b.id },
    'friends.block': { userId: b.id },
    'friends.unblock': { userId: b.id },
    'messages.history': { conversationId, cursor: message.id + 1, limit: 10 },
    'messages.send': { conversationId, body: 'hello there', clientId: newClientId() },
    'messages.edit': { messageId: message.id, body: 'edited' },
    'messages.delete': { messageId: message.id },
    'messages.search': { query: 'storm', cursor: message.id + 1, limit: 5 },
    'messages.react': { messageId: message.id, emoji: '👍', on: true },
    'presence.heartbeat': { connectionId: newClientId(), state: 'online' },
    'settings.update': { sendReadReceipts: false },
    'users.search': { query: 'fuzz', cursor: 'a', limit: 5 },
    'users.card': { userId: b.id },
    'events.subscribe': { lastEventId: '1' },
    'tokens.create': { name: 'fuzz token', scope: 'read', expiresInDays: 30 },
    'tokens.list': { botId: b.id },
    'tokens.revoke': { tokenId: newClientId() },
    'bots.create': { username: 'fuzz_bot' },
    'bots.delete': { botId: newClientId() },
    'admin.updateSettings': { registrationMode: 'invite' },
    'admin.users': { query: 'fuzz', cursor: 'a', limit: 5 },
    'admin.setUserActive': { userId: b.id, active: false },
    'admin.deleteUser': { userId: b.id },
    'admin.createInvite': { maxUses: 2, expiresInHours: 24 },
    'admin.passwordResetLink': { userId: b.id },
    'admin.revokeInvite': { inviteId: newClientId() },
  };
  return { conversationId, inputs };
}

/** Procedures whose input is optional and has no field: nothing in it can be spoiled. */
const NOTHING_TO_SPOIL = new Set(['auth.logout', 'auth.resume', 'auth.removeAvatar']);

describe.each(backends)('hostile input to every procedure (%s)', (backend) => {
  const t = useTestServer(backend);

  it('lists every procedure of the router', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(14);
  });

  it('refuses text that cannot be stored, and deep or huge values, in every field of every procedure', async () => {
    const a = await t.user('fuzz_field_a');
    const b = await t.user('fuzz_field_b');
    const c = await t.user('fuzz_field_c');
    const { conversationId, inputs } = await validInputs(t, a, b, c);
    const before = await worldOf([a, b, c], conversationId);
    const token = a.client.$session.get()?.accessToken ?? null;

    for (const { path, type, takesInput } of procedures) {
      if (type === 'subscription' || !takesInput || NOTHING_TO_SPOIL.has(path)) continue;
      const valid = inputs[path];
      // A new procedure needs a valid input here, so that its fields are fuzzed too.
      expect(valid, `fuzz.test.ts has no valid input for ${path}`).toBeDefined();
      const fields = leafPaths(valid);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), spoiledValue, async (field, bad) => {
          const input = replaceAt(valid, field, bad);
          const reply = await call(t, path, type, input, token);
          const what = `${type} ${path} ${field.join('.')}=${JSON.stringify(bad).slice(0, 80)}`;
          expectTypedRefusal(reply, what);
          // Reads may drop what a search cannot match; nothing that writes may accept it.
          if (type === 'mutation') expect(reply.status, what).not.toBe(200);
        }),
        { numRuns: 12 },
      );
    }

    expect(await worldOf([a, b, c], conversationId)).toEqual(before);
    const newcomer = await a.client.users.search.query({ query: 'fuzz_newcomer' });
    expect(newcomer.users).toEqual([]);
  }, 300_000);

  it('answers random and malicious payloads with typed errors and changes nothing', async () => {
    const a = await t.user('fuzz_a');
    const b = await t.user('fuzz_b');
    const conversationId = await befriend(a, b);
    await a.client.messages.send.mutate({
      conversationId,
      body: 'before the storm',
      clientId: newClientId(),
    });
    const before = await worldOf([a, b], conversationId);
    const token = a.client.$session.get()?.accessToken ?? null;

    for (const { path, type } of procedures) {
      if (type === 'subscription') continue;
      // Registration may succeed for a random valid name; logout ends only the caller's session.
      const mayChangeData = MAY_SUCCEED.has(path);
      await fc.assert(
        fc.asyncProperty(hostileInput, fc.boolean(), async (input, anonymous) => {
          const reply = await call(t, path, type, input, anonymous ? null : token);
          expectTypedRefusal(reply, `${type} ${path} ${JSON.stringify(input).slice(0, 120)}`);
          if (!mayChangeData && reply.status === 200) {
            // A success is fine only for reads; a write from a hostile payload is a bug.
            expect(type, `${path} accepted ${JSON.stringify(input).slice(0, 120)}`).toBe('query');
          }
        }),
        { numRuns: 40 },
      );
    }

    // The fuzzing session ended itself (auth.logout goes last): look again with a new one.
    await a.client.auth.login.mutate({ username: a.username, password: a.password });
    expect(await worldOf([a, b], conversationId)).toEqual(before);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    // 100 runs for each of 70-odd procedures: 90 s on a quiet two-core machine, 4+ min on a busy one.
  }, 480_000);

  describe('with API tokens', () => {
    afterEach(() => vi.restoreAllMocks());

    /** Every procedure called over HTTP with `token` and random input: each answer must be `expected`. */
    async function everyProcedureAnswers(
      token: () => string,
      expected: (type: string) => { status: number; code: string } | null,
      numRuns = 15,
    ) {
      for (const { path, type } of procedures) {
        if (type === 'subscription' || PUBLIC.has(path)) continue;
        const wanted = expected(type);
        if (!wanted) continue;
        await fc.assert(
          fc.asyncProperty(hostileInput, async (input) => {
            const reply = await call(t, path, type, input, token());
            const what = `${type} ${path} ${JSON.stringify(input).slice(0, 120)}`;
            expectTypedRefusal(reply, what);
            if (reply.status === 431) return;
            expect(reply.status, what).toBe(wanted.status);
            const body = JSON.parse(reply.text) as { error?: { data?: { code?: unknown } } };
            expect(body.error?.data?.code, what).toBe(wanted.code);
          }),
          { numRuns },
        );
      }
    }

    it('a revoked token, or a forged one, is UNAUTHORIZED for every procedure whatever the input', async () => {
      const a = await t.user('fuzz_revoked');
      const revoked = await makeApiToken(a, { scope: 'write' });
      await a.client.tokens.revoke.mutate({ tokenId: revoked.id });
      const forged = fc
        .sample(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), 50)
        .map((tail) => `pgn_${tail}`);
      let i = 0;
      const unauthorized = () => ({ status: 401, code: 'UNAUTHORIZED' });
      await everyProcedureAnswers(() => revoked.secret, unauthorized);
      await everyProcedureAnswers(() => forged[i++ % forged.length] ?? 'pgn_', unauthorized, 5);
    }, 120_000);

    it('an expired token is UNAUTHORIZED for every procedure whatever the input', async () => {
      const a = await t.user('fuzz_expired');
      const expiring = await makeApiToken(a, { scope: 'write', expiresInDays: 1 });
      // The server checks expiry against its clock on every call: move the clock past the day.
      const now = Date.now();
      vi.spyOn(Date, 'now').mockImplementation(() => now + 86_400_000 + 60_000);
      await everyProcedureAnswers(
        () => expiring.secret,
        () => ({ status: 401, code: 'UNAUTHORIZED' }),
      );
    }, 120_000);

    it('a read token is FORBIDDEN every mutation whatever the input, and changes nothing', async () => {
      const a = await t.user('fuzz_read');
      const b = await t.user('fuzz_read_b');
      const conversationId = await befriend(a, b);
      const before = await worldOf([a, b], conversationId);
      const reader = await makeApiToken(a, { scope: 'read' });
      await everyProcedureAnswers(
        () => reader.secret,
        (type) => (type === 'mutation' ? { status: 403, code: 'FORBIDDEN' } : null),
      );
      expect(await worldOf([a, b], conversationId)).toEqual(before);
      expect(await a.client.tokens.list.query()).toHaveLength(1);
      expect(await a.client.bots.list.query()).toEqual([]);
    }, 120_000);
  });

  it('answers hostile subscription inputs over the WebSocket with typed errors, and keeps the socket', async () => {
    const a = await t.user('fuzz_ws');
    const token = a.client.$session.get()?.accessToken ?? '';
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/trpc?connectionParams=1`);
    // The first answer to each request: an error, or the start of a stream for a valid input.
    const replies = new Map<number, { error?: { data?: { code?: string } } }>();
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; error?: { data?: { code?: string } } };
      if (typeof message.id === 'number' && !replies.has(message.id)) replies.set(message.id, message);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));

    let id = 0;
    await fc.assert(
      fc.asyncProperty(hostileInput, async (input) => {
        const mine = ++id;
        ws.send(
          JSON.stringify({ id: mine, method: 'subscription', params: { path: 'events.subscribe', input } }),
        );
        const deadline = Date.now() + 5_000;
        while (!replies.has(mine) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        // Random input is refused; the odd valid one ({} or {lastEventId: null}) opens a stream.
        const reply = replies.get(mine);
        expect(reply, `no answer to ${JSON.stringify(input).slice(0, 120)}`).toBeDefined();
        if (reply?.error) expect(TRPC_CODES.has(String(reply.error.data?.code))).toBe(true);
        ws.send(JSON.stringify({ id: mine, method: 'subscription.stop' }));
      }),
      { numRuns: 60 },
    );
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
