// Hostile input against every procedure, through the real server: random and malicious payloads
// must always get a typed error (never a 500, never a stack trace) and must never change data.
import { appRouter } from '@pigeon/api';
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
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNPROCESSABLE_CONTENT',
  'TOO_MANY_REQUESTS',
]);

/** Every procedure; logging out (the fuzzing session's own) goes last. */
// At run time tRPC keeps every procedure under its full dotted path (the type says nested).
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
)
  .map(([path, procedure]) => ({ path, type: procedure._def.type }))
  .sort((x, y) => Number(x.path === 'auth.logout') - Number(y.path === 'auth.logout'));
// (revokeOtherSessions takes no input, so any payload "succeeds"; it ends only the caller's other logins.)

/**
 * Calls whose success with a random input is legitimate: they take no data worth checking, or
 * make something of the caller's own from any valid name (a bot, a token).
 */
const MAY_SUCCEED = new Set([
  'auth.register',
  'auth.logout',
  'auth.revokeOtherSessions',
  'bots.create',
  'tokens.create',
]);

/** The only procedures anyone may call without a token. */
const PUBLIC = new Set(['auth.register', 'auth.registration', 'auth.login', 'auth.refresh']);

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
  'lastEventId',
  'cookie',
  'name',
  'scope',
  'expiresInDays',
  'botId',
  'tokenId',
  '__proto__',
  'constructor',
];

const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
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
      history: await client.messages.history.query({ conversationId, limit: 50 }),
    })),
  );
}

describe.each(backends)('hostile input to every procedure (%s)', (backend) => {
  const t = useTestServer(backend);

  it('lists every procedure of the router', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(14);
  });

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
        { numRuns: 100 },
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
