import { settings, updateSettingsInput } from '@pigeon/schema';
import { getSettings, updateSettings } from '../services/privacy-settings';
import { authedProcedure, router } from '../trpc';

export const settingsRouter = router({
  get: authedProcedure.output(settings).query(({ ctx }) => getSettings(ctx.db, ctx.viewer.userId)),
  update: authedProcedure
    .input(updateSettingsInput)
    .output(settings)
    .mutation(({ ctx, input }) => updateSettings(ctx, ctx.viewer.userId, input)),
});
