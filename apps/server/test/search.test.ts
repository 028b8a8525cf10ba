import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, newClientId, useTestServer } from './harness';

describe.each(backends)('message search (%s)', (backend) => {
  const t = useTestServer(backend);

  it('finds words in one’s own conversations only, newest first, with highlighted snippets', async () => {
    const a = await t.user('searcher');
    const b = await t.user('friend');
    const c = await t.user('outsider');
    const d = await t.user('other');
    const ab = await befriend(a, b);
    const cd = await befriend(c, d);
    const word = `zebra${newClientId().slice(0, 6)}`;
    const older = await b.client.messages.send.mutate({
      conversationId: ab,
      body: `the ${word} crossed`,
      clientId: newClientId(),
    });
    await a.client.messages.send.mutate({
      conversationId: ab,
      body: 'nothing to see',
      clientId: newClientId(),
    });
    const newer = await a.client.messages.send.mutate({
      conversationId: ab,
      body: `another ${word} <b>here</b>`,
      clientId: newClientId(),
    });
    await c.client.messages.send.mutate({
      conversationId: cd,
      body: `their ${word}`,
      clientId: newClientId(),
    });

    const found = await a.client.messages.search.query({ query: word });
    expect(found.results.map((r) => r.message.id)).toEqual([newer.id, older.id]);
    expect(found.results[0]?.snippet).toEqual([
      { text: 'another ', match: false },
      { text: word, match: true },
      { text: ' <b>here</b>', match: false },
    ]);
    expect((await c.client.messages.search.query({ query: word })).results).toHaveLength(1);

    // Pages by cursor; deleted messages and "deleted for me" history drop out.
    const first = await a.client.messages.search.query({ query: word, limit: 1 });
    const second = await a.client.messages.search.query({
      query: word,
      limit: 1,
      cursor: first.nextCursor ?? 0,
    });
    expect([...first.results, ...second.results].map((r) => r.message.id)).toEqual([newer.id, older.id]);
    await a.client.messages.delete.mutate({ messageId: newer.id });
    expect((await a.client.messages.search.query({ query: word })).results.map((r) => r.message.id)).toEqual([
      older.id,
    ]);
    await a.client.conversations.clear.mutate({ conversationId: ab });
    expect((await a.client.messages.search.query({ query: word })).results).toEqual([]);
    expect((await b.client.messages.search.query({ query: word })).results.map((r) => r.message.id)).toEqual([
      older.id,
    ]);

    const err = await a.client.messages.search.query({ query: ' x ' }).catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
    // Operators and odd input are read as text, never as SQL or a syntax error.
    for (const query of ["' OR 1=1 --", '"unclosed', '--', 'a & b | !c', '((']) {
      await expect(a.client.messages.search.query({ query })).resolves.toBeTruthy();
    }
  });
});
