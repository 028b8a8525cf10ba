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

  it('matches words as they are typed (prefixes), within one conversation or from one person', async () => {
    const a = await t.user('typer');
    const b = await t.user('hiker');
    const c = await t.user('climber');
    const ab = await befriend(a, b);
    const ac = await befriend(a, c);
    const tag = newClientId().slice(0, 6);
    const send = (who: typeof a, conversationId: string, body: string) =>
      who.client.messages.send.mutate({ conversationId, body, clientId: newClientId() });
    const fromB = await send(b, ab, `hiking trip ${tag}q`);
    const fromA = await send(a, ab, `hikers welcome ${tag}q`);
    const inAc = await send(c, ac, `Hiking boots ${tag}q`);
    await send(c, ac, `climbing only ${tag}q`);

    const ids = async (input: { query: string; conversationId?: string; senderId?: string }) =>
      (await a.client.messages.search.query(input)).results.map((r) => r.message.id);
    // "hik" finds every word starting so, in any case; the tag keeps other tests' messages out.
    expect(await ids({ query: `hik ${tag}` })).toEqual([inAc.id, fromA.id, fromB.id]);
    expect(
      (await a.client.messages.search.query({ query: `hik ${tag}` })).results[0]?.snippet,
    ).toContainEqual({
      text: 'Hiking',
      match: true,
    });
    expect(await ids({ query: `hik ${tag}`, conversationId: ab })).toEqual([fromA.id, fromB.id]);
    expect(await ids({ query: `hik ${tag}`, senderId: b.id })).toEqual([fromB.id]);
    expect(await ids({ query: `hik -hikers ${tag}`, conversationId: ab })).toEqual([fromB.id]);
    expect(await ids({ query: `"hiking t" ${tag}` })).toEqual([fromB.id]);
    // A conversation filter never widens the search beyond the caller's own conversations.
    const d = await t.user('stranger');
    const e = await t.user('other');
    const de = await befriend(d, e);
    await send(d, de, `hiking alone ${tag}q`);
    expect(await ids({ query: `hik ${tag}`, conversationId: de })).toEqual([]);
  });
});
