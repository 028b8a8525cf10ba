import type { Database } from '@pigeon/db';
import type { EventsSubscribeInput } from '@pigeon/schema';
import { tracked, TRPCError } from '@trpc/server';
import type { EventBus } from '../bus';
import type { ApiMetrics } from '../metrics';
import { userEventStream } from './event-stream';

/** One stream is all a client needs; a few allow overlap while one replaces another. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 5;

/**
 * The viewer's own event stream as the subscription serves it: each item tracked by its id, so
 * tRPC's client resends the last one on reconnect; at most a few per WebSocket connection.
 */
export async function* subscribeToEvents(
  call: {
    db: Database;
    bus: EventBus;
    metrics: ApiMetrics;
    connection: { openSubscriptions: number } | null;
  },
  viewerId: string,
  input: EventsSubscribeInput,
  signal: AbortSignal | undefined,
) {
  const connection = call.connection;
  if (connection && connection.openSubscriptions >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} streams per connection.`,
    });
  }
  if (connection) connection.openSubscriptions++;
  const stream = userEventStream({
    db: call.db,
    bus: call.bus,
    userId: viewerId,
    lastEventId: input.lastEventId ? Number(input.lastEventId) : null,
    signal,
  });
  call.metrics.subscriptionOpened();
  try {
    for await (const item of stream) {
      call.metrics.eventDelivered(item);
      yield tracked(String(item.id), item);
    }
  } finally {
    if (connection) connection.openSubscriptions--;
    call.metrics.subscriptionClosed();
  }
}
