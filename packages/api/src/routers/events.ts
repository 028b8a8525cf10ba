import { eventsSubscribeInput } from '@pigeon/schema';
import { subscribeToEvents } from '../services/event-subscription';
import { authedProcedure, router } from '../trpc';

export const eventsRouter = router({
  /** The caller's own event stream; tRPC resends the last tracked id on reconnect. */
  subscribe: authedProcedure
    .input(eventsSubscribeInput)
    .subscription(({ ctx, input, signal }) => subscribeToEvents(ctx, ctx.viewer.userId, input, signal)),
});
