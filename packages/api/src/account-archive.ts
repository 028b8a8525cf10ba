import { attachments, users } from '@pigeon/db';
import type { AccountExport } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import type { Context } from './context';
import { exportAccount } from './services/account-export';
import { avatarObjectKey } from './services/avatars';
import { liveViewer } from './trpc';

/** One of the user's uploads as it goes into the archive. */
export interface ArchivedFile {
  /** The path inside the zip: `files/<attachment id>-<safe name>`. */
  path: string;
  /** Where the bytes are in the file store. */
  key: string;
}

/** What the export zip holds; the route streams the bytes from the file store. */
export interface AccountArchive {
  username: string;
  /** Exactly what `auth.exportData` answers. */
  data: AccountExport;
  /** The file-store key of the user's photo, if they have one. */
  avatarKey: string | null;
  files: ArchivedFile[];
}

/** Whose archive a request asks for, and the name it is saved under. */
export interface ArchiveOwner {
  userId: string;
  username: string;
  avatarKey: string | null;
}

/**
 * The caller, if they may take their archive: the same rules as `auth.exportData`, a live login
 * session (no API token). Reads one row and spends nothing, so a HEAD costs no export.
 */
export async function archiveOwner(ctx: Context): Promise<ArchiveOwner> {
  const viewer = liveViewer(ctx.viewer, 'query');
  if (viewer.apiToken) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Only a logged-in session can do this, not an API token.',
    });
  }
  const [user] = await ctx.db
    .select({ username: users.username, avatarKey: users.avatarKey })
    .from(users)
    .where(eq(users.id, viewer.userId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  return { userId: viewer.userId, ...user };
}

/**
 * The data export with its files, for GET /api/v1/export.zip (a zip cannot travel as a tRPC
 * answer): `archiveOwner`'s rules plus the `exports` rate limit, since each archive reads every
 * file the user uploaded.
 */
export async function accountArchive(ctx: Context): Promise<AccountArchive> {
  const owner = await archiveOwner(ctx);
  await ctx.rateLimits.consume('exports', owner.userId);
  const data = await exportAccount(ctx.db, owner.userId);
  const rows = await ctx.db
    .select({ id: attachments.id, name: attachments.name, key: attachments.originalKey })
    .from(attachments)
    .where(eq(attachments.uploaderId, owner.userId))
    .orderBy(asc(attachments.createdAt));
  return {
    username: owner.username,
    data,
    avatarKey: owner.avatarKey ? avatarObjectKey(owner.avatarKey) : null,
    files: rows.map((row) => ({ path: `files/${row.id}-${safeFileName(row.name)}`, key: row.key })),
  };
}

/**
 * A name that unpacks as one plain file anywhere: no folders, no `..`, no characters Windows or
 * a shell would trip on, and not too long for a file system.
 */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}/\\:*?"<>|]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  // Cut between whole characters (an emoji or an accented letter stays whole).
  const characters = Array.from(new Intl.Segmenter().segment(cleaned || 'file'), (part) => part.segment);
  return characters.slice(0, 100).join('');
}
