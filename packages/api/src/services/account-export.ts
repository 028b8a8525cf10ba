import { attachments, sessions, users, type Database } from '@pigeon/db';
import type { AccountExport } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { listBlocked } from './blocks';
import { listConversations } from './conversation-list';
import { listRequests } from './friend-requests';
import { listFriends } from './friendships';
import { messageHistory } from './history';
import { getSettings } from './privacy-settings';
import { toAttachmentView, toMe } from './views';

/** Messages in one export at most, newest first per conversation; see docs/security.md. */
export const EXPORT_MESSAGE_CAP = 10_000;

/** Everything the user may take away: profile, settings, people, conversations and messages. */
export async function exportAccount(db: Database, userId: string): Promise<AccountExport> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  const conversations = await listConversations(db, userId);
  const messages: AccountExport['messages'] = [];
  for (const conversation of conversations) {
    let cursor: number | undefined;
    while (messages.length < EXPORT_MESSAGE_CAP) {
      const page = await messageHistory(db, userId, { conversationId: conversation.id, cursor, limit: 100 });
      messages.push(...page.messages.slice(0, EXPORT_MESSAGE_CAP - messages.length));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
  }
  const sessionRows = await db
    .select({ createdAt: sessions.createdAt, userAgent: sessions.userAgent })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(asc(sessions.createdAt));
  return {
    exportedAt: new Date().toISOString(),
    profile: toMe(user),
    settings: await getSettings(db, userId),
    friends: await listFriends(db, userId),
    requests: await listRequests(db, userId),
    blocked: await listBlocked(db, userId),
    conversations,
    messages,
    messagesTruncated: messages.length >= EXPORT_MESSAGE_CAP,
    sessions: sessionRows.map((s) => ({ createdAt: s.createdAt.toISOString(), userAgent: s.userAgent })),
    uploads: await uploadsOf(db, userId),
  };
}

/** The user's uploads with where to fetch each one (the export is JSON; the bytes stay on the server). */
async function uploadsOf(db: Database, userId: string): Promise<AccountExport['uploads']> {
  const rows = await db
    .select()
    .from(attachments)
    .where(eq(attachments.uploaderId, userId))
    .orderBy(asc(attachments.createdAt));
  return rows.map((row) => ({
    ...toAttachmentView(row),
    createdAt: row.createdAt.toISOString(),
    messageId: row.messageId,
    conversationId: row.conversationId,
    downloadPath: `/api/v1/attachments/${row.id}/original`,
  }));
}
