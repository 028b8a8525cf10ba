import { z } from 'zod';
import { timestamp, userId } from './common';
import { limits } from './limits';
import { text } from './text';

/** Every API token starts with this, so secret scanners (and people) recognise a leaked one. */
export const API_TOKEN_PREFIX = 'pgn_';

/** `read`: queries and the event stream only. `write`: everything a login can do but manage the account. */
export const apiTokenScope = z.enum(['read', 'write'], { error: 'Scope must be "read" or "write".' });
export type ApiTokenScope = z.infer<typeof apiTokenScope>;

export const apiTokenId = z.uuid({ error: 'Must be a token id (UUID).' });

export const createApiTokenInput = z.object({
  name: text('Name the token.')
    .trim()
    .min(limits.apiTokenName.min, 'Name the token.')
    .max(limits.apiTokenName.max, `A token name must be at most ${limits.apiTokenName.max} characters.`),
  scope: apiTokenScope,
  /** Null: the token never expires (until revoked). */
  expiresInDays: z
    .number({ error: 'Expiry must be a number of days.' })
    .int('Expiry must be a whole number of days.')
    .min(1, 'A token must live at least 1 day.')
    .max(limits.apiTokenLifetimeDays.max, `A token may live at most ${limits.apiTokenLifetimeDays.max} days.`)
    .nullable(),
  /** A token for one of the caller's bots instead of for the caller. */
  botId: userId.optional(),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenInput>;

/** A token as its owner sees it in a list: never the secret. */
export const apiToken = z.object({
  id: apiTokenId,
  /** Whose token it is: the caller, or one of the caller's bots. */
  userId,
  name: z.string(),
  scope: apiTokenScope,
  /** The secret's first characters (`pgn_abcd`), to tell tokens apart. */
  hint: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;

/** What `tokens.create` answers, the only time the secret is ever shown. */
export const createdApiToken = z.object({ token: apiToken, secret: z.string() });
export type CreatedApiToken = z.infer<typeof createdApiToken>;

/** The caller's own tokens, or those of one of their bots. */
export const listApiTokensInput = z.object({ botId: userId.optional() }).optional();

export const revokeApiTokenInput = z.object({ tokenId: apiTokenId });
