import { z } from 'zod';
import { username } from './auth';
import { timestamp, userId } from './common';

/** A bot gets a username like anyone (unique, case-insensitive) and no password. */
export const createBotInput = z.object({ username });
export type CreateBotInput = z.input<typeof createBotInput>;

/** One of the caller's bots, as their owner sees it. */
export const bot = z.object({
  id: userId,
  username: z.string(),
  createdAt: timestamp,
  /** Its live API tokens. */
  tokenCount: z.number().int().nonnegative(),
});
export type Bot = z.infer<typeof bot>;

export const deleteBotInput = z.object({ botId: userId });
