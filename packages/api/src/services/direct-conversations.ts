import { conversationMembers, conversations, type Database } from '@pigeon/db';
import type { Conversation } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { conversationView } from './conversation-list';
import { areFriends } from './friendships';
import { pairKey } from './pair';

/** The one conversation of the viewer and a friend, created on first use. */
export async function openDirectConversation(
  db: Database,
  viewerId: string,
  otherId: string,
): Promise<Conversation> {
  if (otherId === viewerId) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'A conversation needs someone else.' });
  }
  if (!(await areFriends(db, viewerId, otherId))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only start a conversation with a friend.' });
  }
  const key = pairKey(viewerId, otherId);
  const id = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(conversations)
      .values({ kind: 'direct', directKey: key })
      .onConflictDoNothing()
      .returning({ id: conversations.id });
    if (created) {
      await tx.insert(conversationMembers).values([
        { conversationId: created.id, userId: viewerId },
        { conversationId: created.id, userId: otherId },
      ]);
      return created.id;
    }
    const [existing] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.directKey, key));
    if (!existing) throw new Error('direct conversation vanished');
    return existing.id;
  });
  return conversationView(db, viewerId, id);
}
