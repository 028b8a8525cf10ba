import { z } from 'zod';
import { timestamp, userId } from './common';
import { limits } from './limits';
import { searchText, text } from './text';

/** Who may make an account: anyone, only holders of an invite, or nobody (the admin adds no one). */
export const registrationMode = z.enum(['open', 'invite', 'closed']);
export type RegistrationMode = z.infer<typeof registrationMode>;

export const registrationInfo = z.object({ mode: registrationMode });
export type RegistrationInfo = z.infer<typeof registrationInfo>;

export const inviteCode = text()
  .trim()
  .min(1, 'The invite code is empty.')
  .max(limits.inviteCode.max, 'That is not an invite code.');

export const adminSettings = z.object({
  registrationMode,
  /** The server's environment default (REGISTRATION_MODE), used until the admin chooses. */
  registrationModeDefault: registrationMode,
});
export type AdminSettings = z.infer<typeof adminSettings>;

export const updateAdminSettingsInput = z.object({ registrationMode }).strict();

export const adminStats = z.object({
  users: z.number().int(),
  deactivatedUsers: z.number().int(),
  messages: z.number().int(),
  /** Users with at least one open connection right now, on any instance. */
  connectedUsers: z.number().int(),
  registrationMode,
});
export type AdminStats = z.infer<typeof adminStats>;

export const adminUsersInput = z.object({
  /** Matches the start of a username or an email, case-insensitively. */
  query: searchText().trim().max(limits.searchQuery.max).optional(),
  /** The last username of the previous page. */
  cursor: text().max(limits.username.max).optional(),
  limit: z.number().int().min(1).max(limits.page.max).default(limits.page.default),
});

export const adminUser = z.object({
  id: userId,
  username: z.string(),
  email: z.string().nullable(),
  isAdmin: z.boolean(),
  createdAt: timestamp,
  deactivatedAt: timestamp.nullable(),
  lastSeenAt: timestamp.nullable(),
});
export type AdminUser = z.infer<typeof adminUser>;

export const adminUsersOutput = z.object({ users: z.array(adminUser), nextCursor: z.string().nullable() });

export const setUserActiveInput = z.object({ userId, active: z.boolean() });
export const adminDeleteUserInput = z.object({ userId });

export const createInviteInput = z.object({
  /** How many accounts the invite can make. */
  maxUses: z.number().int().min(1).max(limits.invite.maxUses).default(1),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(limits.invite.maxHours)
    .default(24 * 7),
});
export type CreateInviteInput = z.input<typeof createInviteInput>;

export const invite = z.object({
  id: z.uuid(),
  maxUses: z.number().int(),
  uses: z.number().int(),
  createdAt: timestamp,
  expiresAt: timestamp,
  revokedAt: timestamp.nullable(),
  /** Not revoked, not expired, not used up: it can still make an account. */
  usable: z.boolean(),
});
export type Invite = z.infer<typeof invite>;

/** The code is shown once, here: the server keeps only its hash. */
export const createdInvite = z.object({ invite, code: z.string() });
export const revokeInviteInput = z.object({ inviteId: z.uuid() });
