import { settings, updateSettingsInput } from '@pigeon/schema';
import { presenceVisibilityChanged } from '../services/presence';
import { getSettings, updateSettings } from '../services/settings';
import { authedProcedure, router } from '../trpc';

export const settingsRouter = router({
  get: authedProcedure.output(settings).query(({ ctx }) => getSettings(ctx.db, ctx.viewer.userId)),
  update: authedProcedure
    .input(updateSettingsInput)
    .output(settings)
    .mutation(async ({ ctx, input }) => {
      const updated = await updateSettings(ctx.db, ctx.viewer.userId, input);
      // Hiding takes effect at once: friends see the user go offline (or come back) now.
      if (input.showPresence !== undefined)
        await presenceVisibilityChanged(ctx, ctx.viewer.userId, updated.showPresence);
      return updated;
    }),
});
