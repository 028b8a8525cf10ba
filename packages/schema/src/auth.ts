import { z } from 'zod';
import { avatarUrl, timestamp, userId } from './common';
import { inviteCode } from './admin';
import { limits } from './limits';
import { text } from './text';
import { secondFactorCode } from './two-factor';

export const username = text('Username is required.')
  .trim()
  .min(limits.username.min, `Username must be at least ${limits.username.min} characters.`)
  .max(limits.username.max, `Username must be at most ${limits.username.max} characters.`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Username may contain only letters, digits, ".", "_" and "-".');

/**
 * The name to be shown by: any characters PostgreSQL can store, trimmed; an empty one clears it
 * (null), so the username is shown again.
 */
export const displayName = text('Display name must be text.')
  .trim()
  .max(limits.displayName.max, `Display name must be at most ${limits.displayName.max} characters.`)
  .transform((name) => (name === '' ? null : name))
  .nullable();

export const email = text('Email is required.')
  .trim()
  .max(limits.email.max, `Email must be at most ${limits.email.max} characters.`)
  .pipe(z.email({ error: 'That does not look like an email address.' }));

export const password = text('Password is required.')
  .min(limits.password.min, `Password must be at least ${limits.password.min} characters.`)
  .max(limits.password.max, `Password must be at most ${limits.password.max} characters.`);

/**
 * Browsers ask for `cookie: true`: the refresh token then travels only in an httpOnly cookie
 * that scripts cannot read, and the response carries `refreshToken: null`.
 */
const cookie = z.boolean().default(false);

/** `inviteCode` is needed while registration is invite-only (see `auth.registration`). */
export const registerInput = z.object({
  username,
  email,
  password,
  cookie,
  inviteCode: inviteCode.optional(),
});
export type RegisterInput = z.input<typeof registerInput>;

/**
 * A password being checked, not set: only its bounds. The rules for new passwords must not lock
 * out existing ones, and it is never stored, so even text PostgreSQL cannot hold is harmless here.
 */
export function presentedPassword(required: string) {
  return z.string({ error: required }).min(1, required).max(limits.password.max);
}

/** Login checks only the bounds of both fields, and that the name could be looked up at all. */
export const loginInput = z.object({
  username: text('Username is required.').trim().min(1, 'Username is required.').max(limits.username.max),
  password: presentedPassword('Password is required.'),
  cookie,
});
export type LoginInput = z.infer<typeof loginInput>;

export const refreshToken = text().min(1).max(limits.refreshToken.max);
/** Without a token in the body, the refresh token is read from the httpOnly cookie. */
export const refreshInput = z.object({ refreshToken: refreshToken.optional() });
export const logoutInput = z.object({}).optional();

export const me = z.object({
  id: userId,
  username: z.string(),
  /** Null when none is set: the username is shown instead. */
  displayName: z.string().nullable(),
  /** Null only for accounts made before emails were asked for. */
  email: z.string().nullable(),
  /** The owner followed the link mailed to that address (false again after changing it). */
  emailVerified: z.boolean(),
  createdAt: timestamp,
  /** The caller is a bot (acting through an API token). */
  isBot: z.boolean(),
  /** The server's admin: sees the admin page. */
  isAdmin: z.boolean(),
  /** The caller's own photo, as in their public profile; null: none. */
  avatarUrl: avatarUrl.nullable(),
});
export type Me = z.infer<typeof me>;

export const authSession = z.object({
  user: me,
  accessToken: z.string(),
  accessTokenExpiresAt: timestamp,
  /** Null when the refresh token was put in the httpOnly cookie instead. */
  refreshToken: z.string().nullable(),
  refreshTokenExpiresAt: timestamp,
});
export type AuthSession = z.infer<typeof authSession>;

/**
 * Change your own username, display name and/or email; conversations and friendships stay as they
 * are. `displayName: null` (or only spaces) clears the display name.
 */
export const updateProfileInput = z
  .object({ username: username.optional(), displayName: displayName.optional(), email: email.optional() })
  .strict()
  .refine(
    (changes) =>
      changes.username !== undefined || changes.displayName !== undefined || changes.email !== undefined,
    'Change the username, the display name or the email.',
  );
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

/** One login, as the sessions list shows it. */
export const deviceSession = z.object({
  id: z.uuid(),
  /** "Chrome on Linux", from the user agent the session started with. */
  device: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp,
  /** The session making this call. */
  current: z.boolean(),
  /** The login passed a second factor (a code from the app, or a recovery code). */
  secondFactor: z.boolean(),
});
export type DeviceSession = z.infer<typeof deviceSession>;

export const revokeSessionInput = z.object({ sessionId: z.uuid({ error: 'Must be a session id.' }) });

export const changePasswordInput = z.object({
  currentPassword: presentedPassword('Enter your current password.'),
  newPassword: password,
  /** Needed once two-factor is on. */
  code: secondFactorCode.optional(),
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/**
 * Turning two-factor on starts with the password: a session alone (a borrowed device, a stolen
 * cookie) must not put someone else's authenticator on the account and lock its owner out.
 */
export const startTwoFactorInput = z.object({
  password: presentedPassword('Enter your password.'),
});
export type StartTwoFactorInput = z.infer<typeof startTwoFactorInput>;

export const deleteAccountInput = z.object({
  password: presentedPassword('Enter your password.'),
  /** Needed once two-factor is on. */
  code: secondFactorCode.optional(),
});
