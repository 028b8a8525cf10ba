import { presenceHeartbeatInput, presenceHeartbeatOutput, userPresence } from '@pigeon/schema';
import { z } from 'zod';
import { listPresence, presenceHeartbeat } from '../services/presence-tracking';
import { authedLimitedProcedure, authedProcedure, router } from '../trpc';

export const presenceRouter = router({
  /** "This tab is online / away / closing": every ~15 s and whenever it changes. */
  heartbeat: authedLimitedProcedure('presence')
    .input(presenceHeartbeatInput)
    .output(presenceHeartbeatOutput)
    .mutation(({ ctx, input }) => presenceHeartbeat(ctx, ctx.viewer.userId, input)),
  /** The viewer's friends, each online, away or offline (with when they were last seen). */
  list: authedProcedure
    .output(z.array(userPresence))
    .query(({ ctx }) => listPresence(ctx, ctx.viewer.userId)),
});
