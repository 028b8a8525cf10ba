import {
  deleteMessageInput,
  editMessageInput,
  historyInput,
  historyOutput,
  message,
  reactInput,
  searchMessagesInput,
  searchMessagesOutput,
  sendMessageInput,
  uploadLimitsView,
  type Message,
  type SendMessageInput,
} from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { deleteMessage, editMessage, react, sendMessage } from '../services/message-actions';
import { messageHistory } from '../services/history';
import { searchMessages } from '../services/message-search';
import type { Context } from '../context';
import type { Outbox } from '../core/changes';
import { authedLimitedProcedure, authedProcedure, limitedCall, router, rateLimited } from '../trpc';

/** `messages.send` once its caller is checked and its input parsed. */
function sendWithinServerLimits(
  ctx: Pick<Context, 'uploads' | 'sends' | 'metrics'> & { outbox: Outbox },
  viewerId: string,
  input: SendMessageInput,
): Promise<Message> {
  // The schema caps at what any server may allow; this server may allow fewer.
  const max = ctx.uploads.maxPerMessage;
  if ((input.attachmentIds?.length ?? 0) > max) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `A message can carry at most ${max} attachments.`,
    });
  }
  return sendMessage(ctx, viewerId, input);
}

/**
 * `messages.send` as the procedure runs it — live token, one unit of the `messages` budget, the
 * input's schema, this server's attachment cap, the send — for the WebSocket's send lane
 * (apps/server/src/ws/send-lane.ts), without tRPC's per-call machinery. It throws what the
 * procedure would fail with; the caller answers with the router's error shape.
 */
export function sendMessageDirect(ctx: Context, rawInput: unknown): Promise<Message> {
  return limitedCall(ctx, 'mutation', 'messages', ({ outbox, viewer }) => {
    const parsed = sendMessageInput.safeParse(rawInput);
    // As tRPC's input parser fails, so the error formatter turns it into the same answer.
    if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
    return sendWithinServerLimits(
      { uploads: ctx.uploads, sends: ctx.sends, metrics: ctx.metrics, outbox },
      viewer.userId,
      parsed.data,
    );
  });
}

export const messagesRouter = router({
  /** What this server accepts as attachments: apps check a file against it before uploading. */
  uploadLimits: authedProcedure.output(uploadLimitsView).query(({ ctx }) => ({
    maxBytes: ctx.uploads.maxBytes,
    maxPerMessage: ctx.uploads.maxPerMessage,
    quotaBytes: ctx.uploads.quotaBytes,
  })),
  history: authedProcedure
    .input(historyInput)
    .output(historyOutput)
    .query(({ ctx, input }) => messageHistory(ctx.db, ctx.viewer.userId, input)),
  // No output validation here, the hottest call: the message comes straight from the send
  // statement, in the shape the schema describes (send-batch.ts), and is not checked again.
  send: authedLimitedProcedure('messages')
    .input(sendMessageInput)
    .mutation(({ ctx, input }) => sendWithinServerLimits(ctx, ctx.viewer.userId, input)),
  /** Your own messages only; everyone in the conversation sees the new text, marked edited. */
  edit: authedProcedure
    .use(rateLimited('messages'))
    .input(editMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => editMessage(ctx, ctx.viewer.userId, input)),
  /** Your own messages only; the others see a "deleted" placeholder in its place. */
  delete: authedProcedure
    .input(deleteMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => deleteMessage(ctx, ctx.viewer.userId, input.messageId)),
  /** Full-text search of the caller's own conversations, newest first, with highlighted snippets. */
  search: authedProcedure
    .use(rateLimited('searches'))
    .input(searchMessagesInput)
    .output(searchMessagesOutput)
    .query(({ ctx, input }) => searchMessages(ctx.db, ctx.viewer.userId, input)),
  react: authedProcedure
    .use(rateLimited('messages'))
    .input(reactInput)
    .output(message)
    .mutation(({ ctx, input }) => react(ctx, ctx.viewer.userId, input)),
});
