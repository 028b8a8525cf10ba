import { messages, reactions } from '@pigeon/db';
import type { EditMessageInput, Message, ReactInput, SendMessageInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { removeMessageAttachments } from './attachments';
import { requireCanMessage, requireMembership } from './membership';
import { commitChange, type ChangeScope, type EventWriter, type Outbox } from '../core/changes';
import type { Tx } from '../core/types';
import type { ApiMetrics } from '../metrics';
import type { SendQueue } from './send-queue';
import { messageViews } from './views';

/**
 * Stores one message and its events in one transaction and resolves after commit, through the
 * instance's group commit. Idempotent on (sender, clientId): a retry gets the stored message
 * back, and no second copy or event.
 */
export async function sendMessage(
  call: { sends: SendQueue; outbox: Outbox; metrics: ApiMetrics },
  viewerId: string,
  input: SendMessageInput,
): Promise<Message> {
  const { message, isNew } = await call.sends.send(viewerId, input, call.outbox);
  if (isNew) call.metrics.messageSent();
  return message;
}

const notFound = () => new TRPCError({ code: 'NOT_FOUND', message: 'No such message.' });

/**
 * The message, locked for the change, if the viewer is a member of its conversation; NOT_FOUND
 * otherwise, revealing nothing.
 */
async function lockForChange(tx: Tx, viewerId: string, messageId: number) {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update');
  if (!row) throw notFound();
  const membership = await requireMembership(tx, viewerId, row.conversationId).catch((err: unknown) => {
    throw err instanceof TRPCError ? notFound() : err;
  });
  return { row, membership, memberIds: membership.memberIds };
}

/** Writes the new state of the message to every member's stream, in the same transaction. */
async function announce(
  tx: Tx,
  events: EventWriter,
  messageId: number,
  memberIds: string[],
): Promise<Message> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId));
  if (!row) throw notFound();
  const [message] = await messageViews(tx, [row]);
  if (!message) throw notFound();
  await events.append(
    memberIds.map((userId) => ({ userId, event: { v: 1, type: 'message.updated', message } })),
  );
  return message;
}

/** The message as it stands, when a request changed nothing. */
async function unchanged(tx: Tx, row: typeof messages.$inferSelect): Promise<Message> {
  const [message] = await messageViews(tx, [row]);
  if (!message) throw notFound();
  return message;
}

function requireOwnLiveMessage(row: typeof messages.$inferSelect, viewerId: string, what: string) {
  if (row.senderId !== viewerId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `You can only ${what} your own messages.` });
  }
  if (row.deletedAt) throw new TRPCError({ code: 'CONFLICT', message: 'That message was deleted.' });
}

export function editMessage(scope: ChangeScope, viewerId: string, input: EditMessageInput): Promise<Message> {
  return commitChange(scope, async (tx, events) => {
    const { row, membership, memberIds } = await lockForChange(tx, viewerId, input.messageId);
    requireOwnLiveMessage(row, viewerId, 'edit');
    requireCanMessage(membership, viewerId);
    await tx.update(messages).set({ body: input.body, editedAt: new Date() }).where(eq(messages.id, row.id));
    return announce(tx, events, row.id, memberIds);
  });
}

/**
 * Blanks the body and keeps the row, so replies and the conversation's ids still hold. Its
 * attachments go with it: the rows in the same transaction, the bytes once it has committed.
 */
export async function deleteMessage(
  scope: ChangeScope,
  viewerId: string,
  messageId: number,
): Promise<Message> {
  let removedFiles: string[] = [];
  const message = await commitChange(scope, async (tx, events) => {
    const { row, memberIds } = await lockForChange(tx, viewerId, messageId);
    if (row.senderId !== viewerId) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only delete your own messages.' });
    }
    if (row.deletedAt) {
      // Deleting twice is deleting once: the same answer, nobody told again.
      return unchanged(tx, row);
    }
    await tx.update(messages).set({ body: '', deletedAt: new Date() }).where(eq(messages.id, row.id));
    await tx.delete(reactions).where(eq(reactions.messageId, row.id));
    removedFiles = await removeMessageAttachments(tx, row.id);
    return announce(tx, events, row.id, memberIds);
  });
  scope.outbox.filesRemoved(removedFiles);
  return message;
}

/** Sets one reaction on or off; asking for the state it is already in changes and announces nothing. */
export function react(scope: ChangeScope, viewerId: string, input: ReactInput): Promise<Message> {
  return commitChange(scope, async (tx, events) => {
    const { row, membership, memberIds } = await lockForChange(tx, viewerId, input.messageId);
    if (row.deletedAt) throw new TRPCError({ code: 'CONFLICT', message: 'That message was deleted.' });
    requireCanMessage(membership, viewerId);
    const mine = and(
      eq(reactions.messageId, row.id),
      eq(reactions.userId, viewerId),
      eq(reactions.emoji, input.emoji),
    );
    const changed = input.on
      ? await tx
          .insert(reactions)
          .values({ messageId: row.id, userId: viewerId, emoji: input.emoji })
          .onConflictDoNothing()
          .returning({ emoji: reactions.emoji })
      : await tx.delete(reactions).where(mine).returning({ emoji: reactions.emoji });
    if (changed.length === 0) return unchanged(tx, row);
    return announce(tx, events, row.id, memberIds);
  });
}
