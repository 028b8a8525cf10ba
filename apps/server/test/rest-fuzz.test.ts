// Hostile input against every REST route, through the real server: bodies, query strings and
// path segments of any shape get a typed JSON error (never a 500 or a stack trace) and change
// nothing another user can see.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restError } from '../src/http/rest/rest-errors';
import { REST_ROUTES } from '../src/http/rest/rest-routes';
import { backends, useTestServer } from './harness';
import { restClient } from './rest/rest-client';

/** Routes whose success with a random input is legitimate: they take nothing worth checking. */
const MAY_SUCCEED = new Set([
  'auth.register',
  'auth.logout',
  'conversations.list',
  'friends.list',
  'friends.requests',
  'auth.me',
  // Takes nothing: the attacker's own (absent) photo is removed, nobody else's.
  'auth.removeAvatar',
]);

const FIELDS = [
  'body',
  'clientId',
  'userId',
  'username',
  'email',
  'password',
  'query',
  'limit',
  'cursor',
  'messageId',
  'refreshToken',
  'cookie',
  '__proto__',
];

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '\u0000',
    '\uD800',
    'a'.repeat(20_000),
    '../../etc/passwd',
    '-1',
    '1e309',
    'NaN',
  ),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 0, 2 ** 53, 1.5, true, [], {}),
);
const hostileBody = fc.oneof(
  { weight: 1, arbitrary: hostileValue },
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 4 }) },
);

/** A path segment as a client might send it, malformed %-escapes included. */
function segment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%E0%A4%A';
  }
}

describe.each(backends)('REST under hostile input (%s)', (backend) => {
  const t = useTestServer(backend);

  it('answers every route with a typed error and changes nothing for others', async () => {
    const { call, register } = restClient(t.url);
    const victim = await register('victim');
    const attacker = await register('attacker');
    const seen = async () =>
      JSON.stringify(
        await Promise.all(
          ['/friends', '/friends/requests', '/conversations'].map(
            async (p) => (await call('GET', p, { token: victim.token })).body,
          ),
        ),
      );
    const before = await seen();

    for (const route of REST_ROUTES.filter((r) => r.procedure !== 'auth.logout')) {
      await fc.assert(
        fc.asyncProperty(
          hostileBody,
          fc.array(hostileString, { minLength: 3, maxLength: 3 }),
          async (input, segments) => {
            let i = 0;
            const path = route.path.replace(/\{\w+\}/g, () => segment(segments[i++] ?? ''));
            const query =
              route.method === 'GET' && input && typeof input === 'object' && !Array.isArray(input)
                ? `?${new URLSearchParams(Object.entries(input).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()}`
                : '';
            const reply = await call(route.method, path + query, {
              token: attacker.token,
              json: route.method === 'GET' ? undefined : input,
            }).catch(() => null);
            // Node refuses URLs over its header limit itself (431) before any route sees them.
            if (reply === null || reply.status === 431) return;
            const what = `${route.method} ${route.path} ${JSON.stringify(input).slice(0, 120)}`;
            expect(reply.status, what).toBeLessThan(500);
            if (reply.status < 300) {
              expect(MAY_SUCCEED.has(route.procedure) || route.method === 'GET', what).toBe(true);
              return;
            }
            const parsed = restError.safeParse(reply.body);
            expect(parsed.success, `${what}: ${JSON.stringify(reply.body).slice(0, 200)}`).toBe(true);
            expect(JSON.stringify(reply.body), what).not.toMatch(/\n\s+at /);
          },
        ),
        { numRuns: 15 },
      );
    }
    expect(await seen()).toBe(before);
  }, 240_000);
});
