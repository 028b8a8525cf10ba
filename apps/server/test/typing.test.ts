import { TYPING_TTL_MS } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, useTestServer } from './harness';

describe.each(backends)('typing indicators (%s)', (backend) => {
  const t = useTestServer(backend);

  it('reaches the other member live, expires by itself, and is never replayed', async () => {
    const a = await t.user('typist');
    const b = await t.user('reader');
    const conversationId = await befriend(a, b);
    const theirs = collectEvents(b.client);
    const mine = collectEvents(a.client);
    await Promise.all([theirs.live(), mine.live()]);
    const lastStored = theirs.items.at(-1)?.id;

    const before = Date.now();
    const { expiresAt } = await a.client.conversations.typing.mutate({ conversationId });
    await theirs.until(() => theirs.events().some((e) => e.type === 'typing'));
    const signal = theirs.events().find((e) => e.type === 'typing');
    expect(signal).toEqual({ v: 1, type: 'typing', conversationId, userId: a.id, expiresAt, id: lastStored });
    const ttl = Date.parse(expiresAt) - before;
    expect(ttl).toBeGreaterThan(TYPING_TTL_MS - 2_000);
    expect(ttl).toBeLessThanOrEqual(TYPING_TTL_MS + 1_000);

    // Not stored: a stream resumed from before it does not see it again.
    const later = collectEvents(b.client, lastStored === undefined ? null : String(lastStored));
    await later.live();
    expect(later.events()).toEqual([]);
    // Not echoed to the typist's own stream.
    await new Promise((r) => setTimeout(r, 200));
    expect(mine.events()).toEqual([]);
    for (const s of [theirs, mine, later]) s.unsubscribe();
  });

  it('sends a stop as a signal that has already run out, so the indicator goes at once', async () => {
    const a = await t.user('typist');
    const b = await t.user('reader');
    const conversationId = await befriend(a, b);
    const theirs = collectEvents(b.client);
    await theirs.live();

    await a.client.conversations.typing.mutate({ conversationId });
    const before = Date.now();
    const { expiresAt } = await a.client.conversations.typing.mutate({ conversationId, typing: false });
    await theirs.until(() => theirs.events().filter((e) => e.type === 'typing').length === 2);
    const [started, stopped] = theirs.events().filter((e) => e.type === 'typing');
    expect(Date.parse(started?.type === 'typing' ? started.expiresAt : '')).toBeGreaterThan(Date.now());
    expect(stopped).toMatchObject({ type: 'typing', conversationId, userId: a.id, expiresAt });
    expect(Date.parse(expiresAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(Date.now());
    theirs.unsubscribe();
  });

  it('is refused to someone outside the conversation', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const outsider = await t.user('x');
    const conversationId = await befriend(a, b);
    const err = await outsider.client.conversations.typing
      .mutate({ conversationId })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NOT_FOUND');
  });
});
