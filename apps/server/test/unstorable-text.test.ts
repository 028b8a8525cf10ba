// Issue 16's finding: text PostgreSQL cannot store (NUL, lone surrogates) used to reach the
// database and answer 500 with the failed SQL. Each field it was found in, through the real server.
import { describe, expect, it } from 'vitest';
import { UNSTORABLE_TEXT_MESSAGE } from '@pigeon/schema';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, newClientId, useTestServer } from './harness';

async function refusal(call: Promise<unknown>) {
  const err: unknown = await call.then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  return { code: errorCode(err), message: (err as Error).message };
}

describe.each(backends)('text the database cannot store (%s)', (backend) => {
  const t = useTestServer(backend);

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', 'a\uDFFFb'],
  ])(
    'refuses %s in every written text field with a readable BAD_REQUEST and stores nothing',
    async (_n, bad) => {
      const a = await t.user('nul_a');
      const b = await t.user('nul_b');
      const conversationId = await befriend(a, b);
      const sent = await a.client.messages.send.mutate({
        conversationId,
        body: 'kept',
        clientId: newClientId(),
      });
      const expected = { code: 'BAD_REQUEST', message: UNSTORABLE_TEXT_MESSAGE };

      expect(
        await refusal(a.client.messages.send.mutate({ conversationId, body: bad, clientId: newClientId() })),
      ).toEqual(expected);
      expect(await refusal(a.client.messages.edit.mutate({ messageId: sent.id, body: bad }))).toEqual(
        expected,
      );
      expect(
        await refusal(a.client.conversations.createGroup.mutate({ name: bad, memberIds: [b.id] })),
      ).toEqual(expected);
      expect(await refusal(a.client.auth.updateProfile.mutate({ username: bad }))).toEqual(expected);
      expect(await refusal(a.client.auth.updateProfile.mutate({ displayName: bad }))).toEqual(expected);
      // Anonymous: the one found without an account.
      expect(await refusal(t.client().auth.login.mutate({ username: bad, password: 'whatever' }))).toEqual(
        expected,
      );
      expect(
        await refusal(
          t
            .client()
            .auth.register.mutate({ username: 'fine_name', email: 'x@example.com', password: bad.repeat(5) }),
        ),
      ).toEqual(expected);

      const history = await b.client.messages.history.query({ conversationId });
      expect(history.messages.map((m) => m.body)).toEqual(['kept']);
      expect((await a.client.conversations.list.query()).map((c) => c.kind)).toEqual(['direct']);
    },
  );

  it('drops the characters from search queries, which then find what the rest of the query finds', async () => {
    const a = await t.user('nul_search');
    const b = await t.user('nul_other');
    const conversationId = await befriend(a, b);
    const word = `quokka${newClientId().slice(0, 6)}`;
    await a.client.messages.send.mutate({ conversationId, body: `a ${word}`, clientId: newClientId() });
    const found = await a.client.messages.search.query({ query: `${word}\u0000\uD800` });
    expect(found.results.map((r) => r.message.body)).toEqual([`a ${word}`]);
    const users = await a.client.users.search.query({ query: `${b.username.slice(0, 8)}\u0000` });
    expect(users.users.map((u) => u.id)).toContain(b.id);
  });
});
