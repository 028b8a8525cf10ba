import { users } from '@pigeon/db';
import { limits } from '@pigeon/schema';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDirectConversation } from '../src/services/direct-conversations';
import {
  addGroupMembers,
  createGroup,
  leaveGroup,
  removeGroupMember,
  renameGroup,
} from '../src/services/groups';
import { backends, outcome, types, useWorld, type World } from './support/world';

/** An owner and `count` friends of theirs. */
async function ownerWithFriends(w: World, count: number) {
  const owner = await w.user('owner');
  const friends: string[] = [];
  for (let i = 0; i < count; i++) {
    const friend = await w.user(`f${i}`);
    await w.befriend(owner, friend);
    friends.push(friend);
  }
  return { owner, friends };
}

describe.each(backends)('groups (%s)', (backend) => {
  const world = useWorld(backend);

  it('is made of the owner’s live friends, and everyone in it hears it was created', async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, 2);
    const [m1, m2] = friends as [string, string];

    const call = w.call();
    const group = await createGroup(call, owner, { name: 'Climbing', memberIds: [m1, m2] });

    expect(group).toMatchObject({ kind: 'group', name: 'Climbing', ownerId: owner });
    expect(group.members.map((m) => m.id).sort()).toEqual([m1, m2].sort());
    for (const member of [owner, m1, m2]) {
      expect(await w.events(member)).toMatchObject([
        { type: 'group.updated', change: 'created', by: owner, group: { id: group.id } },
      ]);
    }
    expect(call.outbox.take().deliveries).toHaveLength(3);
  });

  it('refuses strangers, deleted friends, the owner twice, and two people one of whom blocked the other', async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, 3);
    const [m1, m2, gone] = friends as [string, string, string];
    const stranger = await w.user('stranger');
    await w.block(m2, m1);
    await w.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone));
    const create = (memberIds: string[]) => outcome(createGroup(w.call(), owner, { name: 'G', memberIds }));

    expect(await create([m1, stranger])).toBe('FORBIDDEN: You can only add your friends to a group.');
    expect(await create([m1, gone])).toBe('FORBIDDEN: You can only add your friends to a group.');
    expect(await create([m1, owner])).toBe('BAD_REQUEST: You are in the group already.');
    expect(await create([m1, m2])).toBe('FORBIDDEN: That is not possible.');
    expect(await w.events(owner)).toEqual([]);
  });

  it('lets only the owner rename, add and remove, and answers outsiders as if it did not exist', async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, 3);
    const [m1, m2, later] = friends as [string, string, string];
    const outsider = await w.user('outsider');
    const { id } = await createGroup(w.call(), owner, { name: 'G', memberIds: [m1, m2] });

    const ownerOnly = "FORBIDDEN: Only the group's owner can do that.";
    expect(await outcome(renameGroup(w.call(), m1, id, 'Mine'))).toBe(ownerOnly);
    expect(await outcome(addGroupMembers(w.call(), m1, id, [later]))).toBe(ownerOnly);
    expect(await outcome(removeGroupMember(w.call(), m1, id, m2))).toBe(ownerOnly);
    const hidden = 'NOT_FOUND: No such conversation.';
    expect(await outcome(renameGroup(w.call(), outsider, id, 'Mine'))).toBe(hidden);
    expect(await outcome(leaveGroup(w.call(), outsider, id))).toBe(hidden);

    expect(await renameGroup(w.call(), owner, id, 'Ours')).toMatchObject({ name: 'Ours' });
    const added = await addGroupMembers(w.call(), owner, id, [later]);
    expect(added.members.map((m) => m.id)).toContain(later);
    expect(await outcome(addGroupMembers(w.call(), owner, id, [later]))).toBe(
      'BAD_REQUEST: That person is in the group already.',
    );
    expect(types(await w.events(m1))).toEqual(['group.updated', 'group.updated', 'group.updated']);
    expect(await w.events(later)).toMatchObject([{ type: 'group.updated', change: 'members_added' }]);
  });

  it(`holds at most ${limits.groupMembers.max} members, a cap checked before anything else`, async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, limits.groupMembers.max);
    const [extra, ...rest] = friends as [string, ...string[]];
    const stranger = await w.user('stranger');
    const { id } = await createGroup(w.call(), owner, { name: 'Full', memberIds: rest });
    const head = await w.head(owner);

    const full = `BAD_REQUEST: A group has at most ${limits.groupMembers.max} members.`;
    expect(await outcome(addGroupMembers(w.call(), owner, id, [extra]))).toBe(full);
    // Not "only your friends": the cap is checked first, before any query about the newcomer.
    expect(await outcome(addGroupMembers(w.call(), owner, id, [stranger]))).toBe(full);
    expect(await w.head(owner)).toBe(head);
  });

  it('cuts a removed member off at once; the rest hear who went', async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, 2);
    const [m1, m2] = friends as [string, string];
    const { id } = await createGroup(w.call(), owner, { name: 'G', memberIds: [m1, m2] });

    expect(await outcome(removeGroupMember(w.call(), owner, id, owner))).toBe(
      'BAD_REQUEST: To remove yourself, leave the group.',
    );
    const group = await removeGroupMember(w.call(), owner, id, m2);

    expect(group.members.map((m) => m.id).sort()).toEqual([owner, m1].sort());
    expect((await w.events(m2)).at(-1)).toMatchObject({ type: 'group.removed', reason: 'removed' });
    expect((await w.events(m1)).at(-1)).toMatchObject({ type: 'group.updated', change: 'member_removed' });
    expect(await outcome(leaveGroup(w.call(), m2, id))).toBe('NOT_FOUND: No such conversation.');
    expect(await outcome(removeGroupMember(w.call(), owner, id, m2))).toBe(
      'NOT_FOUND: That person is not in the group.',
    );
  });

  it('lets anyone leave; an owner hands the group to whoever has been in it longest', async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, 2);
    // The first member is the one whose id sorts last, so joining time alone decides the heir.
    const [first, second] = [...friends].sort().reverse() as [string, string];
    const { id } = await createGroup(w.call(), owner, { name: 'G', memberIds: [first] });
    await addGroupMembers(w.call(), owner, id, [second]);

    const afterOwner = await leaveGroup(w.call(), owner, id);

    expect(afterOwner.ownerId).toBe(first);
    expect((await w.events(owner)).at(-1)).toMatchObject({ type: 'group.removed', reason: 'left' });
    expect((await w.events(second)).at(-1)).toMatchObject({
      type: 'group.updated',
      change: 'member_left',
      by: owner,
      group: { ownerId: first },
    });
    const afterSecond = await leaveGroup(w.call(), second, id);
    expect(afterSecond).toMatchObject({ ownerId: first, members: [{ id: first }] });
  });

  it('is the only kind of conversation these changes apply to', async () => {
    const w = world();
    const { owner, friends } = await ownerWithFriends(w, 1);
    const { id } = await openDirectConversation(w.db, owner, friends[0] ?? '');

    expect(await outcome(renameGroup(w.call(), owner, id, 'G'))).toBe(
      'BAD_REQUEST: This is not a group conversation.',
    );
    expect(await outcome(leaveGroup(w.call(), owner, id))).toBe(
      'BAD_REQUEST: This is not a group conversation.',
    );
  });
});
