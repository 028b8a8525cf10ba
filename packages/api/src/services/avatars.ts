import { randomBytes } from 'node:crypto';
import { conversations, users } from '@pigeon/db';
import type { FileStore } from '@pigeon/media';
import type { GroupInfo, Me } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull } from 'drizzle-orm';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { Tx } from '../core/types';
import { queueFileRemovals } from './attachments';
import { announce, groupInfo, lockGroup, ownerOnly } from './groups';
import { announceProfile } from './profile';
import { toMe } from './views';

/** A photo ready to store: what `prepareAvatar` makes of an upload (a square WebP). */
export interface AvatarImage {
  data: Buffer;
  contentType: 'image/webp';
}

/** Whose photo changes: the caller's own, or a group's. */
export type AvatarTarget = { kind: 'user' } | { kind: 'group'; conversationId: string };

/** Where the photo with `key` lives in the file store. */
export function avatarObjectKey(key: string): string {
  return `avatars/${key}.webp`;
}

/**
 * 128 random bits, hex: the key is the only thing guarding the photo (its URL is public to
 * whoever holds it), so it must not be guessable, and it is new on every change.
 */
export function newAvatarKey(): string {
  return randomBytes(16).toString('hex');
}

export interface AvatarScope extends ChangeScope {
  files: FileStore;
}

/** One avatar change inside its transaction: what it answers, and the key it stopped naming. */
type AvatarChange<T> = (
  tx: Tx,
  events: EventWriter,
  newKey: string | null,
) => Promise<{ result: T; oldKey: string | null }>;

/**
 * The one order of every avatar change: the new object is stored first, then the row points at
 * it (with its events) in one transaction that also queues the old object's removal, and only
 * after that commit are the old bytes deleted (the outbox; the file sweep retries a failure, so
 * a crash or a store outage leaves no orphan). A failed commit removes the new object again; no
 * row ever names a missing object.
 */
async function replaceAvatar<T>(
  scope: AvatarScope,
  image: AvatarImage | null,
  change: AvatarChange<T>,
): Promise<T> {
  const newKey = image ? newAvatarKey() : null;
  if (image && newKey) {
    await scope.files.put(avatarObjectKey(newKey), image.data, {
      contentType: image.contentType,
      size: image.data.length,
    });
  }
  let outcome: { result: T; removed: string[] };
  try {
    outcome = await commitChange(scope, async (tx, events) => {
      const { result, oldKey } = await change(tx, events, newKey);
      const removed = oldKey && oldKey !== newKey ? [avatarObjectKey(oldKey)] : [];
      await queueFileRemovals(tx, removed);
      return { result, removed };
    });
  } catch (error) {
    if (newKey) await scope.files.remove([avatarObjectKey(newKey)]).catch(() => undefined);
    throw error;
  }
  scope.outbox.filesRemoved(outcome.removed);
  return outcome.result;
}

/** Sets (or with null, removes) the viewer's photo; they and their friends hear of it live. */
export function changeUserAvatar(
  scope: AvatarScope,
  viewerId: string,
  image: AvatarImage | null,
): Promise<Me> {
  return replaceAvatar(scope, image, async (tx, events, newKey) => {
    const [before] = await tx
      .select({ avatarKey: users.avatarKey })
      .from(users)
      .where(and(eq(users.id, viewerId), isNull(users.deletedAt)))
      .for('update');
    if (!before) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
    const [after] = await tx
      .update(users)
      .set({ avatarKey: newKey })
      .where(eq(users.id, viewerId))
      .returning();
    if (!after) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
    // Removing a photo that was never there changes nothing and tells no one.
    if (before.avatarKey !== newKey) await announceProfile(tx, events, after);
    return { result: toMe(after), oldKey: before.avatarKey };
  });
}

/**
 * Sets (or with null, removes) a group's photo. Whoever may rename the group may do this (its
 * owner); every member hears of it live (`group.updated`, change `avatar_changed`).
 */
export function changeGroupAvatar(
  scope: AvatarScope,
  viewerId: string,
  conversationId: string,
  image: AvatarImage | null,
): Promise<GroupInfo> {
  return replaceAvatar(scope, image, async (tx, events, newKey) => {
    const group = await lockGroup(tx, viewerId, conversationId);
    if (group.ownerId !== viewerId) throw ownerOnly();
    // Removing a photo the group never had changes nothing and tells no one.
    if (group.avatarKey === null && newKey === null) {
      return { result: await groupInfo(tx, conversationId), oldKey: null };
    }
    await tx.update(conversations).set({ avatarKey: newKey }).where(eq(conversations.id, conversationId));
    const info = await announce(tx, events, conversationId, 'avatar_changed', viewerId);
    return { result: info, oldKey: group.avatarKey };
  });
}

/**
 * Refuses early, before an upload is read: a group photo from someone who may not change it.
 * The change itself checks again under the group's lock.
 */
export async function requireAvatarChangeAllowed(
  scope: ChangeScope,
  viewerId: string,
  target: AvatarTarget,
): Promise<void> {
  if (target.kind === 'user') return;
  await scope.db.transaction(async (tx) => {
    const group = await lockGroup(tx, viewerId, target.conversationId);
    if (group.ownerId !== viewerId) throw ownerOnly();
  });
}

/** The form of a key in an avatar URL: anything else is not a photo of ours. */
export function isAvatarKey(key: string): boolean {
  return /^[0-9a-f]{32}$/.test(key);
}
