import { z } from 'zod';

/** The caller's own preferences. */
export const settings = z.object({
  /** Off: nobody sees when you read their messages, and you do not see when they read yours. */
  sendReadReceipts: z.boolean(),
  /** Off: friends always see you offline, with no last-seen time (you still see theirs). */
  showPresence: z.boolean(),
});
export type Settings = z.infer<typeof settings>;

/** Only the settings to change; unknown names are refused rather than silently ignored. */
export const updateSettingsInput = settings
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'Name at least one setting to change.');
export type UpdateSettingsInput = z.infer<typeof updateSettingsInput>;
