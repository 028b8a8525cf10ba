import { limits } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { codeOf, errorCode } from '@pigeon/test-utils';
import {
  backends,
  befriend,
  collectEvents,
  newClientId,
  startTestServer,
  useTestServer,
  type TestServer,
} from './harness';

type User = Awaited<ReturnType<TestServer['user']>>;

async function failure(promise: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { code: errorCode(err), message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

/** The owner and some friends of theirs (who are not each other's friends). */
async function circle(t: TestServer, n: number): Promise<{ owner: User; friends: User[] }> {
  const owner = await t.user('owner');
  const friends: User[] = [];
  for (let i = 0; i < n; i++) {
    const friend = await t.user(`friend${i}`);
    await befriend(owner, friend);
    friends.push(friend);
  }
  return { owner, friends };
}

const say = (u: User, conversationId: string, body: string) =>
  u.client.messages.send.mutate({ conversationId, body, clientId: newClientId() });

describe.each(backends)('group conversations (%s)', (backend) => {
  const t = useTestServer(backend);

  it('is created with friends, named, and carries messages, typing, unread counts and receipts to all', async () => {
    const { owner, friends } = await circle(t, 2);
    const [ann, bob] = friends as [User, User];
    const annStream = collectEvents(ann.client);
    const bobStream = collectEvents(bob.client);
    await Promise.all([annStream.live(), bobStream.live()]);

    const group = await owner.client.conversations.createGroup.mutate({
      name: '  Book club ',
      memberIds: [ann.id, bob.id],
    });
    expect(group).toMatchObject({ kind: 'group', name: 'Book club', ownerId: owner.id, unreadCount: 0 });
    expect(group.members.map((m) => m.id).sort()).toEqual([ann.id, bob.id].sort());

    await annStream.until(() => annStream.events().some((e) => e.type === 'group.updated'));
    const created = annStream.events().find((e) => e.type === 'group.updated');
    expect(created).toMatchObject({
      change: 'created',
      by: owner.id,
      group: { id: group.id, name: 'Book club' },
    });

    // Ann and Bob are not friends, yet both write to the group and both hear everything.
    const first = await say(ann, group.id, 'hello everyone');
    const second = await say(bob, group.id, 'hi ann');
    await annStream.until(() => annStream.messages().some((m) => m.id === second.id));
    await bobStream.until(() => bobStream.messages().some((m) => m.id === first.id));
    await ann.client.conversations.typing.mutate({ conversationId: group.id });
    await bobStream.until(() => bobStream.events().some((e) => e.type === 'typing' && e.userId === ann.id));

    const [ownersView] = (await owner.client.conversations.list.query()).filter((c) => c.id === group.id);
    expect(ownersView).toMatchObject({ name: 'Book club', unreadCount: 2, seenUpTo: null });
    // "Seen" in a group means everyone else has read it.
    await ann.client.conversations.markRead.mutate({ conversationId: group.id, messageId: second.id });
    let annsView = (await ann.client.conversations.list.query()).find((c) => c.id === group.id);
    expect(annsView?.unreadCount).toBe(0);
    expect(annsView?.seenUpTo).toBeNull(); // Bob and the owner have not read yet
    await bob.client.conversations.markRead.mutate({ conversationId: group.id, messageId: second.id });
    await owner.client.conversations.markRead.mutate({ conversationId: group.id, messageId: second.id });
    annsView = (await ann.client.conversations.list.query()).find((c) => c.id === group.id);
    expect(annsView?.seenUpTo).toBe(second.id);
    annStream.unsubscribe();
    bobStream.unsubscribe();
  });

  it('takes only the creator’s friends, never two people one of whom blocked the other, within bounds', async () => {
    const { owner, friends } = await circle(t, 2);
    const [ann, bob] = friends as [User, User];
    const stranger = await t.user('stranger');
    const before = (await owner.client.conversations.list.query()).length;

    expect(
      await failure(owner.client.conversations.createGroup.mutate({ name: 'x', memberIds: [stranger.id] })),
    ).toEqual({ code: 'FORBIDDEN', message: 'You can only add your friends to a group.' });
    expect(
      await failure(owner.client.conversations.createGroup.mutate({ name: 'x', memberIds: [owner.id] })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(
      await failure(owner.client.conversations.createGroup.mutate({ name: '   ', memberIds: [ann.id] })),
    ).toEqual({ code: 'BAD_REQUEST', message: 'Give the group a name.' });
    expect(
      await failure(
        owner.client.conversations.createGroup.mutate({
          name: 'x'.repeat(limits.groupName.max + 1),
          memberIds: [ann.id],
        }),
      ),
    ).toEqual({
      code: 'BAD_REQUEST',
      message: `A group name has at most ${limits.groupName.max} characters.`,
    });
    expect(
      await failure(
        owner.client.conversations.createGroup.mutate({ name: 'x', memberIds: [ann.id, ann.id] }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', message: 'Each member is listed once.' });
    expect(
      await failure(owner.client.conversations.createGroup.mutate({ name: 'x', memberIds: [] })),
    ).toEqual({ code: 'BAD_REQUEST', message: 'Add at least one friend.' });

    // Ann blocked Bob: the owner, friends with both, cannot put them in one room.
    await ann.client.friends.block.mutate({ userId: bob.id });
    expect(
      await failure(
        owner.client.conversations.createGroup.mutate({ name: 'x', memberIds: [ann.id, bob.id] }),
      ),
    ).toEqual({ code: 'FORBIDDEN', message: 'That is not possible.' });
    const group = await owner.client.conversations.createGroup.mutate({ name: 'x', memberIds: [ann.id] });
    expect(
      await failure(
        owner.client.conversations.addMembers.mutate({ conversationId: group.id, userIds: [bob.id] }),
      ),
    ).toEqual({ code: 'FORBIDDEN', message: 'That is not possible.' });
    // Nothing half-written by the refusals: only the one group exists.
    expect((await owner.client.conversations.list.query()).length).toBe(before + 1);
  });

  it('lets the owner rename it and add friends, who then see its history; others cannot manage it', async () => {
    const { owner, friends } = await circle(t, 2);
    const [ann, bob] = friends as [User, User];
    const group = await owner.client.conversations.createGroup.mutate({ name: 'Trip', memberIds: [ann.id] });
    const early = await say(ann, group.id, 'before bob');

    expect(
      await failure(ann.client.conversations.rename.mutate({ conversationId: group.id, name: 'Mine now' })),
    ).toEqual({ code: 'FORBIDDEN', message: "Only the group's owner can do that." });
    expect(
      await failure(
        ann.client.conversations.removeMember.mutate({ conversationId: group.id, userId: owner.id }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });

    const annStream = collectEvents(ann.client);
    await annStream.live();
    const renamed = await owner.client.conversations.rename.mutate({
      conversationId: group.id,
      name: 'Trip 2027',
    });
    expect(renamed.name).toBe('Trip 2027');
    await annStream.until(() =>
      annStream
        .events()
        .some((e) => e.type === 'group.updated' && e.change === 'renamed' && e.group.name === 'Trip 2027'),
    );

    const bobStream = collectEvents(bob.client);
    await bobStream.live();
    const added = await owner.client.conversations.addMembers.mutate({
      conversationId: group.id,
      userIds: [bob.id],
    });
    expect(added.members.map((m) => m.id).sort()).toEqual([owner.id, ann.id, bob.id].sort());
    await bobStream.until(() =>
      bobStream.events().some((e) => e.type === 'group.updated' && e.change === 'members_added'),
    );
    const history = await bob.client.messages.history.query({ conversationId: group.id });
    expect(history.messages.map((m) => m.id)).toContain(early.id);
    expect(
      await failure(
        owner.client.conversations.addMembers.mutate({ conversationId: group.id, userIds: [bob.id] }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', message: 'That person is in the group already.' });
    // A 1:1 is not a group.
    const direct = await owner.client.conversations.open.mutate({ userId: ann.id });
    expect(
      await failure(owner.client.conversations.rename.mutate({ conversationId: direct.id, name: 'no' })),
    ).toEqual({ code: 'BAD_REQUEST', message: 'This is not a group conversation.' });
    annStream.unsubscribe();
    bobStream.unsubscribe();
  });

  it('cuts a removed member off at once: no later event, no history, no sends, not even on resume', async () => {
    const { owner, friends } = await circle(t, 2);
    const [ann, bob] = friends as [User, User];
    const group = await owner.client.conversations.createGroup.mutate({
      name: 'Team',
      memberIds: [ann.id, bob.id],
    });
    const bobStream = collectEvents(bob.client);
    await bobStream.live();
    const mark = bobStream.items.at(-1)?.id;

    // Messages keep coming while the owner removes Bob: he gets exactly those committed before.
    const sends = Array.from({ length: 30 }, (_, i) => say(ann, group.id, `m${i}`));
    await new Promise((r) => setTimeout(r, 5));
    const removal = owner.client.conversations.removeMember.mutate({
      conversationId: group.id,
      userId: bob.id,
    });
    await Promise.all([...sends, removal]);
    const after = await say(owner, group.id, 'after bob left');

    await bobStream.until(() => bobStream.events().some((e) => e.type === 'group.removed'));
    await new Promise((r) => setTimeout(r, 300));
    const removedAt = bobStream.events().findIndex((e) => e.type === 'group.removed');
    expect(bobStream.events()[removedAt]).toMatchObject({ conversationId: group.id, reason: 'removed' });
    // Nothing about the group reaches him after the notice.
    expect(bobStream.events().slice(removedAt + 1)).toEqual([]);
    // What he got is a prefix of the history: every message up to the cut, none after it.
    const all = (await ann.client.messages.history.query({ conversationId: group.id, limit: 100 })).messages
      .map((m) => m.id)
      .sort((a, b) => a - b);
    const got = bobStream.messages().map((m) => m.id);
    expect(got).toEqual(all.slice(0, got.length));
    expect(got).not.toContain(after.id);

    // A stream resumed from before the removal replays nothing newer than the cut either.
    const resumed = collectEvents(bob.client, mark === undefined ? null : String(mark));
    await resumed.live();
    expect(resumed.messages().map((m) => m.id)).toEqual(got);

    for (const call of [
      () => bob.client.messages.history.query({ conversationId: group.id }),
      () => say(bob, group.id, 'let me back'),
      () => bob.client.conversations.typing.mutate({ conversationId: group.id }),
      () => bob.client.conversations.markRead.mutate({ conversationId: group.id, messageId: after.id }),
      () => bob.client.messages.react.mutate({ messageId: after.id, emoji: '❤️', on: true }),
      () => bob.client.conversations.leave.mutate({ conversationId: group.id }),
    ]) {
      expect(await codeOf(call())).toBe('NOT_FOUND');
    }
    expect((await bob.client.conversations.list.query()).map((c) => c.id)).not.toContain(group.id);
    expect((await bob.client.messages.search.query({ query: 'after' })).results).toEqual([]);
    bobStream.unsubscribe();
    resumed.unsubscribe();
  });

  it('lets anyone leave; an owner who leaves hands the group to its longest-standing member', async () => {
    const { owner, friends } = await circle(t, 2);
    const [ann, bob] = friends as [User, User];
    const group = await owner.client.conversations.createGroup.mutate({ name: 'Band', memberIds: [ann.id] });
    await owner.client.conversations.addMembers.mutate({ conversationId: group.id, userIds: [bob.id] });
    const ownerStream = collectEvents(owner.client);
    const annStream = collectEvents(ann.client);
    await Promise.all([ownerStream.live(), annStream.live()]);

    const left = await owner.client.conversations.leave.mutate({ conversationId: group.id });
    expect(left.ownerId).toBe(ann.id);
    expect(left.members.map((m) => m.id).sort()).toEqual([ann.id, bob.id].sort());
    await ownerStream.until(() => ownerStream.events().some((e) => e.type === 'group.removed'));
    expect(ownerStream.events().find((e) => e.type === 'group.removed')).toMatchObject({ reason: 'left' });
    await annStream.until(() =>
      annStream
        .events()
        .some((e) => e.type === 'group.updated' && e.change === 'member_left' && e.by === owner.id),
    );
    // Ann manages it now.
    await ann.client.conversations.rename.mutate({ conversationId: group.id, name: 'Band (new)' });
    expect(await codeOf(say(owner, group.id, 'still here?'))).toBe('NOT_FOUND');
    ownerStream.unsubscribe();
    annStream.unsubscribe();
  });

  it('takes a deleted account out of its groups', async () => {
    const { owner, friends } = await circle(t, 1);
    const [ann] = friends as [User];
    const group = await owner.client.conversations.createGroup.mutate({ name: 'Pair', memberIds: [ann.id] });
    await owner.client.auth.deleteAccount.mutate({ password: owner.password });
    const [view] = (await ann.client.conversations.list.query()).filter((c) => c.id === group.id);
    expect(view).toMatchObject({ ownerId: ann.id, members: [] });
  });
});

describe.runIf(backends.includes('cluster'))('groups across instances', () => {
  it('tells a member on another instance at once that they were removed, and nothing after', async () => {
    const one = await startTestServer('cluster');
    const two = await startTestServer('cluster', { database: one.config.database, redis: one.config.redis });
    try {
      const { owner, friends } = await circle(one, 2);
      const [ann, bob] = friends as [User, User];
      const bobElsewhere = two.client();
      await bobElsewhere.auth.login.mutate({ username: bob.username, password: bob.password });
      const group = await owner.client.conversations.createGroup.mutate({
        name: 'Spread',
        memberIds: [ann.id, bob.id],
      });
      const stream = collectEvents(bobElsewhere);
      await stream.live();
      const before = await say(ann, group.id, 'you will see this');
      await stream.until(() => stream.messages().some((m) => m.id === before.id));
      await owner.client.conversations.removeMember.mutate({ conversationId: group.id, userId: bob.id });
      await stream.until(() => stream.events().some((e) => e.type === 'group.removed'), 3_000);
      await say(ann, group.id, 'you will not');
      await new Promise((r) => setTimeout(r, 500));
      expect(stream.events().at(-1)?.type).toBe('group.removed');
      stream.unsubscribe();
    } finally {
      await two.close();
      await one.close();
    }
  });
});
