import { blocks, conversationMembers, conversations, friendships, users, type Database } from '@pigeon/db';
import type { Conversation, CreateGroupInput, GroupInfo, PigeonEvent } from '@pigeon/schema';
import { limits } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { EventEntry } from '../core/event-log';
import type { Tx } from '../core/types';
import { conversationView } from './conversation-list';
import { notPossible } from './blocks';
import { avatarUrlOf, publicUserColumns, toPublicUser } from './public-user';

type GroupChange = Extract<PigeonEvent, { type: 'group.updated' }>['change'];

const notFound = () => new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation.' });
export const ownerOnly = () =>
  new TRPCError({ code: 'FORBIDDEN', message: "Only the group's owner can do that." });

/**
 * Locks the group's row (the lock every send takes too, so a membership change and a send never
 * interleave: a removed member gets no event of a message committed after the removal) and
 * returns it with its members, or NOT_FOUND for anyone outside it.
 */
export async function lockGroup(tx: Tx, viewerId: string, conversationId: string) {
  const [group] = await tx
    .select({
      kind: conversations.kind,
      name: conversations.name,
      ownerId: conversations.ownerId,
      avatarKey: conversations.avatarKey,
    })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .for('update');
  if (!group) throw notFound();
  const members = await tx
    .select({ userId: conversationMembers.userId })
    .from(conversationMembers)
    .where(eq(conversationMembers.conversationId, conversationId))
    .orderBy(asc(conversationMembers.joinedAt), asc(conversationMembers.userId));
  const memberIds = members.map((m) => m.userId);
  if (!memberIds.includes(viewerId)) throw notFound();
  if (group.kind !== 'group') {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'This is not a group conversation.' });
  }
  return { ...group, memberIds };
}

/**
 * Only the viewer's live friends can be added, up to the cap; a block between any two members
 * refuses it. The checks that need no query come first.
 */
async function requireAddable(tx: Tx, viewerId: string, newIds: string[], existingIds: string[]) {
  if (newIds.includes(viewerId)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'You are in the group already.' });
  }
  const everyone = [...existingIds, ...newIds];
  if (everyone.length > limits.groupMembers.max) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `A group has at most ${limits.groupMembers.max} members.`,
    });
  }
  const friends = await tx
    .select({ id: friendships.friendId })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .where(
      and(eq(friendships.userId, viewerId), inArray(friendships.friendId, newIds), isNull(users.deletedAt)),
    );
  if (friends.length !== newIds.length) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only add your friends to a group.' });
  }
  // Someone who blocked (or was blocked by) a member is not put in a room with them.
  const [blocked] = await tx
    .select({ blockerId: blocks.blockerId })
    .from(blocks)
    .where(
      or(
        and(inArray(blocks.blockerId, newIds), inArray(blocks.blockedId, everyone)),
        and(inArray(blocks.blockerId, everyone), inArray(blocks.blockedId, newIds)),
      ),
    )
    .limit(1);
  if (blocked) throw notPossible();
}

export async function groupInfo(tx: Tx, conversationId: string): Promise<GroupInfo> {
  const [group] = await tx
    .select({ name: conversations.name, ownerId: conversations.ownerId, avatarKey: conversations.avatarKey })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  const members = await tx
    .select(publicUserColumns)
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(eq(conversationMembers.conversationId, conversationId))
    .orderBy(asc(conversationMembers.joinedAt), asc(users.username));
  return {
    id: conversationId,
    name: group?.name ?? '',
    ownerId: group?.ownerId ?? null,
    avatarUrl: avatarUrlOf(group?.avatarKey ?? null),
    members: members.map(toPublicUser),
  };
}

/** Tells everyone now in the group what changed, and anyone who left that they are out. */
export async function announce(
  tx: Tx,
  events: EventWriter,
  conversationId: string,
  change: GroupChange,
  by: string,
  gone: { userId: string; reason: 'removed' | 'left' } | null = null,
): Promise<GroupInfo> {
  const group = await groupInfo(tx, conversationId);
  const entries: EventEntry[] = group.members.map((m) => ({
    userId: m.id,
    event: { v: 1, type: 'group.updated', group, change, by },
  }));
  if (gone) {
    entries.push({
      userId: gone.userId,
      event: { v: 1, type: 'group.removed', conversationId, reason: gone.reason },
    });
  }
  await events.append(entries);
  return group;
}

/** A group with some of the viewer's friends, owned by the viewer; answered as the viewer's list shows it. */
export async function createGroup(
  scope: ChangeScope,
  viewerId: string,
  input: CreateGroupInput,
): Promise<Conversation> {
  const group = await commitChange(scope, async (tx, events) => {
    await requireAddable(tx, viewerId, input.memberIds, [viewerId]);
    const [created] = await tx
      .insert(conversations)
      .values({ kind: 'group', name: input.name, ownerId: viewerId })
      .returning({ id: conversations.id });
    if (!created) throw new Error('group insert returned nothing');
    await tx
      .insert(conversationMembers)
      .values([viewerId, ...input.memberIds].map((userId) => ({ conversationId: created.id, userId })));
    return announce(tx, events, created.id, 'created', viewerId);
  });
  return conversationView(scope.db, viewerId, group.id);
}

export function renameGroup(scope: ChangeScope, viewerId: string, conversationId: string, name: string) {
  return commitChange(scope, async (tx, events) => {
    const group = await lockGroup(tx, viewerId, conversationId);
    if (group.ownerId !== viewerId) throw ownerOnly();
    await tx.update(conversations).set({ name }).where(eq(conversations.id, conversationId));
    return announce(tx, events, conversationId, 'renamed', viewerId);
  });
}

export function addGroupMembers(
  scope: ChangeScope,
  viewerId: string,
  conversationId: string,
  userIds: string[],
) {
  return commitChange(scope, async (tx, events) => {
    const group = await lockGroup(tx, viewerId, conversationId);
    if (group.ownerId !== viewerId) throw ownerOnly();
    if (userIds.some((id) => group.memberIds.includes(id))) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'That person is in the group already.' });
    }
    await requireAddable(tx, viewerId, userIds, group.memberIds);
    await tx.insert(conversationMembers).values(userIds.map((userId) => ({ conversationId, userId })));
    return announce(tx, events, conversationId, 'members_added', viewerId);
  });
}

/** Takes one member out: from this commit on they get nothing of the group, old or new. */
async function dropMember(tx: Tx, conversationId: string, userId: string) {
  await tx
    .delete(conversationMembers)
    .where(
      and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId)),
    );
}

export function removeGroupMember(
  scope: ChangeScope,
  viewerId: string,
  conversationId: string,
  userId: string,
) {
  return commitChange(scope, async (tx, events) => {
    const group = await lockGroup(tx, viewerId, conversationId);
    if (group.ownerId !== viewerId) throw ownerOnly();
    if (userId === viewerId) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'To remove yourself, leave the group.' });
    }
    if (!group.memberIds.includes(userId)) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'That person is not in the group.' });
    }
    await dropMember(tx, conversationId, userId);
    return announce(tx, events, conversationId, 'member_removed', viewerId, { userId, reason: 'removed' });
  });
}

/** The viewer leaves; an owner hands the group to whoever has been in it longest. */
export function leaveGroup(scope: ChangeScope, viewerId: string, conversationId: string) {
  return commitChange(scope, (tx, events) => leaveGroupIn(tx, events, viewerId, conversationId));
}

/** `leaveGroup` inside a transaction of the caller's (account deletion leaves every group). */
export async function leaveGroupIn(tx: Tx, events: EventWriter, viewerId: string, conversationId: string) {
  const group = await lockGroup(tx, viewerId, conversationId);
  await dropMember(tx, conversationId, viewerId);
  if (group.ownerId === viewerId) {
    const heir = group.memberIds.find((id) => id !== viewerId) ?? null;
    await tx.update(conversations).set({ ownerId: heir }).where(eq(conversations.id, conversationId));
  }
  return announce(tx, events, conversationId, 'member_left', viewerId, { userId: viewerId, reason: 'left' });
}

/** Every group the user is in (account deletion leaves them all). */
export async function groupsOf(tx: Database | Tx, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: conversations.id })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(and(eq(conversationMembers.userId, userId), eq(conversations.kind, 'group')));
  return rows.map((r) => r.id);
}
