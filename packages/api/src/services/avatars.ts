import { randomBytes } from 'node:crypto';
import { conversations, users } from '@pigeon/db';
import type { FileStore } from '@pigeon/media';
import type { GroupInfo, Me } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull } from 'drizzle-orm';
import { commitChange, type ChangeScope } from '../core/changes';
import type { Logger } from '../core/types';
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
  log: Logger;
}

/**
 * The one order of every avatar change: the new object is stored first, then the row points at
 * it (with its events) in one transaction, and only after that commit is the old object deleted.
 * A failed commit removes the new object again; a failed delete of the old one leaves an orphan
 * that no row names (logged), never a row that names a missing object.
 */
async function replaceAvatar<T>(
  scope: AvatarScope,
  image: AvatarImage | null,
  commit: (newKey: string | null) => Promise<{ result: T; oldKey: string | null }>,
): Promise<T> {
  const newKey = image ? newAvatarKey() : null;
  if (image && newKey) {
    await scope.files.put(avatarObjectKey(newKey), image.data, {
      contentType: image.contentType,
      size: image.data.length,
    });
  }
  let outcome: { result: T; oldKey: string | null };
  try {
    outcome = await commit(newKey);
  } catch (error) {
    if (newKey) await scope.files.remove([avatarObjectKey(newKey)]).catch(() => undefined);
    throw error;
  }
  if (outcome.oldKey && outcome.oldKey !== newKey) {
    const oldObject = avatarObjectKey(outcome.oldKey);
    await scope.files.remove([oldObject]).catch((error: unknown) => {
      scope.log.warn({ err: error, key: oldObject }, 'could not delete a replaced avatar');
    });
  }
  return outcome.result;
}

/** Sets (or with null, removes) the viewer's photo; they and their friends hear of it live. */
export function changeUserAvatar(
  scope: AvatarScope,
  viewerId: string,
  image: AvatarImage | null,
): Promise<Me> {
  return replaceAvatar(scope, image, (newKey) =>
    commitChange(scope, async (tx, events) => {
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
    }),
  );
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
  return replaceAvatar(scope, image, (newKey) =>
    commitChange(scope, async (tx, events) => {
      const group = await lockGroup(tx, viewerId, conversationId);
      if (group.ownerId !== viewerId) throw ownerOnly();
      // Removing a photo the group never had changes nothing and tells no one.
      if (group.avatarKey === null && newKey === null) {
        return { result: await groupInfo(tx, conversationId), oldKey: null };
      }
      await tx.update(conversations).set({ avatarKey: newKey }).where(eq(conversations.id, conversationId));
      const info = await announce(tx, events, conversationId, 'avatar_changed', viewerId);
      return { result: info, oldKey: group.avatarKey };
    }),
  );
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
