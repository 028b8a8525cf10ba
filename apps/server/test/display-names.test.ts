// Issue 13: a display name, separate from the unique username, shown wherever a person is.
import { describe, expect, it } from 'vitest';
import { limits, UNSTORABLE_TEXT_MESSAGE } from '@pigeon/schema';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, useTestServer } from './harness';

async function refusal(call: Promise<unknown>) {
  const err: unknown = await call.then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  return { code: errorCode(err), message: (err as Error).message };
}

describe.each(backends)('display names (%s)', (backend) => {
  const t = useTestServer(backend);

  it('is set trimmed, cleared by an empty one, and shown to a friend live and in every list', async () => {
    const a = await t.user('dn_a');
    const b = await t.user('dn_b');
    const conversationId = await befriend(a, b);
    const group = await b.client.conversations.createGroup.mutate({ name: 'walkers', memberIds: [a.id] });
    const stream = collectEvents(b.client);
    await stream.live();

    const me = await a.client.auth.updateProfile.mutate({ displayName: '  Ada Lovelace  ' });
    expect(me).toMatchObject({ id: a.id, username: a.username, displayName: 'Ada Lovelace' });
    expect(await a.client.auth.me.query()).toMatchObject({ displayName: 'Ada Lovelace' });
    await stream.until(() => stream.events().some((e) => e.type === 'user.updated'));
    expect(stream.events().find((e) => e.type === 'user.updated')).toMatchObject({
      user: { id: a.id, username: a.username, displayName: 'Ada Lovelace' },
    });

    const shown = { id: a.id, username: a.username, displayName: 'Ada Lovelace' };
    expect(await b.client.friends.list.query()).toEqual([expect.objectContaining(shown)]);
    expect(await b.client.users.card.query({ userId: a.id })).toMatchObject({
      ...shown,
      relationship: 'friend',
    });
    const conversations = await b.client.conversations.list.query();
    expect(conversations.find((c) => c.id === conversationId)?.members).toEqual([
      expect.objectContaining(shown),
    ]);
    expect(conversations.find((c) => c.id === group.id)?.members).toEqual([expect.objectContaining(shown)]);

    // Whitespace only clears it, as null does: the username is shown again.
    expect(await a.client.auth.updateProfile.mutate({ displayName: '   ' })).toMatchObject({
      displayName: null,
    });
    await a.client.auth.updateProfile.mutate({ displayName: 'Ada' });
    expect(await a.client.auth.updateProfile.mutate({ displayName: null })).toMatchObject({
      displayName: null,
    });
    expect((await b.client.users.card.query({ userId: a.id })).displayName).toBeNull();
    stream.unsubscribe();
  });

  it('refuses bad display names with readable messages and changes nothing', async () => {
    const a = await t.user('dn_bad');
    await a.client.auth.updateProfile.mutate({ displayName: 'Kept Name' });
    const tooLong = 'x'.repeat(limits.displayName.max + 1);
    expect(await refusal(a.client.auth.updateProfile.mutate({ displayName: tooLong }))).toEqual({
      code: 'BAD_REQUEST',
      message: `Display name must be at most ${limits.displayName.max} characters.`,
    });
    expect(await refusal(a.client.auth.updateProfile.mutate({ displayName: 'a\u0000b' }))).toEqual({
      code: 'BAD_REQUEST',
      message: UNSTORABLE_TEXT_MESSAGE,
    });
    // A rejected username in the same call leaves the display name as it was, too.
    expect(
      (
        await refusal(
          a.client.auth.updateProfile.mutate({ username: 'no spaces allowed', displayName: 'New' }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    expect(await a.client.auth.me.query()).toMatchObject({ displayName: 'Kept Name' });
  });

  it('finds people by the start of their display name, whatever its case, but not those who blocked you', async () => {
    const seeker = await t.user('dn_seek');
    const found = await t.user('dn_found');
    const blocker = await t.user('dn_blocker');
    const word = `Zyx${found.id.slice(0, 6)}`;
    await found.client.auth.updateProfile.mutate({ displayName: `${word} Quill` });
    await blocker.client.auth.updateProfile.mutate({ displayName: `${word} Other` });
    await blocker.client.friends.block.mutate({ userId: seeker.id });

    const result = await seeker.client.users.search.query({ query: word.toLowerCase() });
    expect(result.users).toEqual([
      { id: found.id, username: found.username, displayName: `${word} Quill`, isBot: false, avatarUrl: null },
    ]);
    expect(
      (await seeker.client.users.search.query({ query: `${word.toUpperCase()} QU` })).users,
    ).toHaveLength(1);
    expect((await seeker.client.users.search.query({ query: 'Quill' })).users).toEqual([]);
  });

  it('is gone with a deleted account: its old chats show the anonymised username, nothing chosen', async () => {
    const leaver = await t.user('dn_leaver');
    const stayer = await t.user('dn_stayer');
    const conversationId = await befriend(leaver, stayer);
    await leaver.client.auth.updateProfile.mutate({ displayName: 'Soon Gone' });
    await leaver.client.auth.deleteAccount.mutate({ password: leaver.password });
    const conversation = (await stayer.client.conversations.list.query()).find(
      (c) => c.id === conversationId,
    );
    expect(conversation?.members).toEqual([expect.objectContaining({ id: leaver.id, displayName: null })]);
  });

  it('changes only the caller’s own profile, and needs a login', async () => {
    const a = await t.user('dn_own');
    const b = await t.user('dn_other');
    await a.client.auth.updateProfile.mutate({ displayName: 'Only Mine' });
    expect((await b.client.users.card.query({ userId: a.id })).displayName).toBe('Only Mine');
    expect((await b.client.auth.me.query()).displayName).toBeNull();
    expect(
      errorCode(
        await t
          .client()
          .auth.updateProfile.mutate({ displayName: 'Anon' })
          .catch((e: unknown) => e),
      ),
    ).toBe('UNAUTHORIZED');
  });
});
