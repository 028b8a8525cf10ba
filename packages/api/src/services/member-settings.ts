import { conversationMembers, conversations } from '@pigeon/db';
import { and, eq } from 'drizzle-orm';
import { commitChange, type ChangeScope } from '../core/changes';
import { requireMembership } from './membership';

/* What each member sets for themselves in a conversation; the other members see no difference. */

/**
 * "Delete for me": the viewer stops seeing the history so far (the other members keep theirs).
 * The conversation leaves the viewer's list until a new message arrives.
 */
export function clearConversation(scope: ChangeScope, viewerId: string, conversationId: string) {
  return commitChange(scope, async (tx, events) => {
    await requireMembership(tx, viewerId, conversationId);
    const [conversation] = await tx
      .select({ lastMessageId: conversations.lastMessageId })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .for('update');
    const upTo = conversation?.lastMessageId ?? 0;
    await tx
      .update(conversationMembers)
      .set({ clearedUpToMessageId: upTo })
      .where(
        and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, viewerId)),
      );
    await events.append([
      {
        userId: viewerId,
        event: { v: 1, type: 'conversation.cleared', conversationId, clearedUpToMessageId: upTo },
      },
    ]);
    return { clearedUpToMessageId: upTo };
  });
}

/** Mutes or unmutes a conversation for the viewer alone; their other devices hear of it. */
export function muteConversation(
  scope: ChangeScope,
  viewerId: string,
  conversationId: string,
  muted: boolean,
) {
  return commitChange(scope, async (tx, events) => {
    await requireMembership(tx, viewerId, conversationId);
    await tx
      .update(conversationMembers)
      .set({ muted })
      .where(
        and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, viewerId)),
      );
    await events.append([
      { userId: viewerId, event: { v: 1, type: 'conversation.muted', conversationId, muted } },
    ]);
    return { muted };
  });
}
