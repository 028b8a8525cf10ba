import { eventsSubscribeInput } from '@pigeon/schema';
import { tracked, TRPCError } from '@trpc/server';
import { userEventStream } from '../services/stream';
import { authedProcedure, router } from '../trpc';

/** One stream is all a client needs; a few allow overlap while one replaces another. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 5;

export const eventsRouter = router({
  /** The caller's own event stream; tRPC resends the last tracked id on reconnect. */
  subscribe: authedProcedure.input(eventsSubscribeInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const connection = ctx.connection;
    if (connection && connection.openSubscriptions >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} streams per connection.`,
      });
    }
    if (connection) connection.openSubscriptions++;
    const stream = userEventStream({
      db: ctx.db,
      bus: ctx.bus,
      userId: ctx.viewer.userId,
      lastEventId: input.lastEventId ? Number(input.lastEventId) : null,
      signal,
    });
    ctx.metrics.subscriptionOpened();
    try {
      for await (const item of stream) {
        ctx.metrics.eventDelivered(item);
        yield tracked(String(item.id), item);
      }
    } finally {
      if (connection) connection.openSubscriptions--;
      ctx.metrics.subscriptionClosed();
    }
  }),
});
