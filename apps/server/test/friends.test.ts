import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, useTestServer } from './harness';

describe.each(backends)('friends and discovery (%s)', (backend) => {
  const t = useTestServer(backend);

  it('searches by prefix, case-insensitively, in pages, never returning the caller or private fields', async () => {
    const tag = `q${Math.random().toString(36).slice(2, 7)}`;
    const me = await t.user(`${tag}_me`);
    const names: string[] = [];
    for (let i = 0; i < 5; i++) names.push((await t.user(`${tag}_${i}`)).username);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await me.client.users.search.query({ query: tag.toUpperCase(), limit: 2, cursor });
      for (const u of page.users)
        expect(Object.keys(u).sort()).toEqual(['avatarUrl', 'displayName', 'id', 'isBot', 'username']);
      seen.push(...page.users.map((u) => u.username));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...names].sort());
    expect(seen).not.toContain(me.username);
    // LIKE wildcards are just characters.
    expect((await me.client.users.search.query({ query: '%' })).users).toEqual([]);
    expect((await me.client.users.search.query({ query: `${tag}_0` })).users.map((u) => u.username)).toEqual([
      names[0],
    ]);
    await expect(me.client.users.search.query({ query: '' })).rejects.toSatisfy(
      (e) => errorCode(e) === 'BAD_REQUEST',
    );
    await expect(me.client.users.search.query({ query: 'x'.repeat(33) })).rejects.toSatisfy(
      (e) => errorCode(e) === 'BAD_REQUEST',
    );
  });

  it('handles requests: by id or name, no self, no duplicates, asking back accepts', async () => {
    const a = await t.user('fa');
    const b = await t.user('fb');
    await expect(a.client.friends.request.mutate({ userId: a.id })).rejects.toSatisfy(
      (e) => errorCode(e) === 'BAD_REQUEST',
    );
    await expect(a.client.friends.request.mutate({ username: 'no_such_user_x' })).rejects.toSatisfy(
      (e) => errorCode(e) === 'NOT_FOUND',
    );
    const first = await a.client.friends.request.mutate({ userId: b.id });
    const again = await a.client.friends.request.mutate({ username: b.username.toUpperCase() });
    expect(again.request.id).toBe(first.request.id);
    expect((await b.client.friends.requests.query()).incoming).toHaveLength(1);

    const back = await b.client.friends.request.mutate({ userId: a.id });
    expect(back.status).toBe('accepted');
    expect((await a.client.friends.list.query()).map((f) => f.username)).toEqual([b.username]);
    await expect(a.client.friends.request.mutate({ userId: b.id })).rejects.toSatisfy(
      (e) => errorCode(e) === 'CONFLICT',
    );
    await expect(b.client.friends.accept.mutate({ requestId: first.request.id })).rejects.toSatisfy(
      (e) => errorCode(e) === 'CONFLICT',
    );
  });

  it('only the recipient can answer, and a declined request leaves no friendship', async () => {
    const a = await t.user('da');
    const b = await t.user('db');
    const c = await t.user('dc');
    const { request } = await a.client.friends.request.mutate({ userId: b.id });
    for (const who of [a, c]) {
      await expect(who.client.friends.accept.mutate({ requestId: request.id })).rejects.toSatisfy(
        (e) => errorCode(e) === 'NOT_FOUND',
      );
    }
    const bStream = collectEvents(b.client);
    await bStream.live();
    await b.client.friends.decline.mutate({ requestId: request.id });
    await bStream.until(() => bStream.events().some((e) => e.type === 'friend.request_declined'));
    expect(await b.client.friends.list.query()).toEqual([]);
    expect((await b.client.friends.requests.query()).incoming).toEqual([]);
    await expect(b.client.friends.accept.mutate({ requestId: request.id })).rejects.toSatisfy(
      (e) => errorCode(e) === 'CONFLICT',
    );
    await expect(a.client.conversations.open.mutate({ userId: b.id })).rejects.toSatisfy(
      (e) => errorCode(e) === 'FORBIDDEN',
    );
    bStream.unsubscribe();
  });

  it('two people asking each other at once end up friends with nothing pending', async () => {
    const a = await t.user('xa');
    const b = await t.user('xb');
    const results = await Promise.all([
      a.client.friends.request.mutate({ userId: b.id }),
      b.client.friends.request.mutate({ userId: a.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['accepted', 'pending']);
    expect((await a.client.friends.list.query()).map((f) => f.id)).toEqual([b.id]);
    expect(await a.client.friends.requests.query()).toEqual({ incoming: [], outgoing: [] });
    expect(await b.client.friends.requests.query()).toEqual({ incoming: [], outgoing: [] });
  });

  it('suggests friends of friends first, ranked by mutual friends', async () => {
    const me = await t.user('sme');
    const f1 = await t.user('sf1');
    const f2 = await t.user('sf2');
    const fof2 = await t.user('sfof2');
    const fof1 = await t.user('sfof1');
    await befriend(me, f1);
    await befriend(me, f2);
    await befriend(f1, fof2);
    await befriend(f2, fof2);
    await befriend(f1, fof1);
    const suggestions = await me.client.friends.suggestions.query();
    expect(suggestions.slice(0, 2)).toEqual([
      {
        id: fof2.id,
        username: fof2.username,
        displayName: null,
        isBot: false,
        avatarUrl: null,
        mutualFriends: 2,
      },
      {
        id: fof1.id,
        username: fof1.username,
        displayName: null,
        isBot: false,
        avatarUrl: null,
        mutualFriends: 1,
      },
    ]);
    const ids = suggestions.map((s) => s.id);
    for (const excluded of [me.id, f1.id, f2.id]) expect(ids).not.toContain(excluded);
    expect(suggestions.slice(2).every((s) => s.mutualFriends === 0)).toBe(true);
  });
});
