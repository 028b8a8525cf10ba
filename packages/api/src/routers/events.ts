import { eventsSubscribeInput } from '@pigeon/schema';
import { tracked } from '@trpc/server';
import { userEventStream } from '../services/stream';
import { authedProcedure, router } from '../trpc';

export const eventsRouter = router({
  /** The caller's own event stream; tRPC resends the last tracked id on reconnect. */
  subscribe: authedProcedure.input(eventsSubscribeInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
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
      ctx.metrics.subscriptionClosed();
    }
  }),
});
