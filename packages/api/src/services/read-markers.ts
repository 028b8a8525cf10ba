import { blocks, conversationMembers, messages, users } from '@pigeon/db';
import type { MarkReadInput, PigeonEvent } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { commitChange, type ChangeScope } from '../core/changes';
import type { Tx } from '../core/types';
import { requireMembership } from './membership';

/**
 * Moves the viewer's read marker forward to `messageId` (never back). The viewer's other devices
 * hear of it (their badges clear too); other members only when both sides share read receipts.
 */
export function markRead(
  scope: ChangeScope,
  viewerId: string,
  input: MarkReadInput,
): Promise<{ lastReadMessageId: number }> {
  return commitChange(scope, async (tx, events) => {
    const { memberIds } = await requireMembership(tx, viewerId, input.conversationId);
    const [message] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.id, input.messageId), eq(messages.conversationId, input.conversationId)));
    if (!message)
      throw new TRPCError({ code: 'NOT_FOUND', message: 'No such message in this conversation.' });

    const [moved] = await tx
      .update(conversationMembers)
      .set({ lastReadMessageId: input.messageId })
      .where(
        and(
          eq(conversationMembers.conversationId, input.conversationId),
          eq(conversationMembers.userId, viewerId),
          or(
            isNull(conversationMembers.lastReadMessageId),
            lt(conversationMembers.lastReadMessageId, input.messageId),
          ),
        ),
      )
      .returning({ lastReadMessageId: conversationMembers.lastReadMessageId });
    if (!moved) {
      // Already read that far (another device got there first): nothing changes, nobody is told.
      const [current] = await tx
        .select({ lastReadMessageId: conversationMembers.lastReadMessageId })
        .from(conversationMembers)
        .where(
          and(
            eq(conversationMembers.conversationId, input.conversationId),
            eq(conversationMembers.userId, viewerId),
          ),
        );
      return { lastReadMessageId: current?.lastReadMessageId ?? input.messageId };
    }

    const recipients = await receiptRecipients(tx, viewerId, memberIds);
    const event: PigeonEvent = {
      v: 1,
      type: 'conversation.read',
      conversationId: input.conversationId,
      userId: viewerId,
      lastReadMessageId: input.messageId,
    };
    await events.append(recipients.map((userId) => ({ userId, event })));
    return { lastReadMessageId: input.messageId };
  });
}

/**
 * Who hears that the viewer read on: the viewer's own devices always; the other members only
 * when both share read receipts, and never across a block (blocks cut receipts both ways, as
 * they cut everything else between the two).
 */
async function receiptRecipients(tx: Tx, viewerId: string, memberIds: string[]): Promise<string[]> {
  const sharing = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, memberIds), eq(users.sendReadReceipts, true)));
  const shares = new Set(sharing.map((u) => u.id));
  const blocked = await tx
    .select({ blockerId: blocks.blockerId, blockedId: blocks.blockedId })
    .from(blocks)
    .where(or(eq(blocks.blockerId, viewerId), eq(blocks.blockedId, viewerId)));
  const cutOff = new Set(blocked.map((b) => (b.blockerId === viewerId ? b.blockedId : b.blockerId)));
  return shares.has(viewerId)
    ? memberIds.filter((id) => id === viewerId || (shares.has(id) && !cutOff.has(id)))
    : [viewerId];
}
