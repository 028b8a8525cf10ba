import { z } from 'zod';
import { email, password } from './auth';
import { timestamp, userId } from './common';
import { limits } from './limits';
import { text } from './text';

/** The secret part of an emailed link (`/reset?token=…`, `/verify?token=…`). */
export const emailLinkToken = text('The link has no token.')
  .trim()
  .min(1, 'The link has no token.')
  .max(limits.emailLinkToken.max, 'That is not a link this server sent.');

/** How this server can help someone who lost their password (public: the login page asks). */
export const recoveryInfo = z.object({
  /** Email is set up (SMTP): people can reset their own password and verify their address. */
  emailDelivery: z.boolean(),
});
export type RecoveryInfo = z.infer<typeof recoveryInfo>;

export const requestPasswordResetInput = z.object({ email }).strict();
export type RequestPasswordResetInput = z.infer<typeof requestPasswordResetInput>;

/** The same answer whether or not an account has that address. */
export const passwordResetRequested = z.object({ requested: z.literal(true) });

export const resetPasswordInput = z.object({ token: emailLinkToken, newPassword: password }).strict();
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

/** The account whose password was reset, so the login form can be filled in. */
export const passwordResetDone = z.object({ username: z.string() });

export const verifyEmailInput = z.object({ token: emailLinkToken }).strict();
export const emailVerified = z.object({ email: z.string() });

export const verificationSent = z.object({ sentTo: z.string() });

export const adminPasswordResetLinkInput = z.object({ userId }).strict();
export const adminPasswordResetLink = z.object({
  /** Relative to the server's own address: `/reset?token=…`. Shown to the admin this once. */
  path: z.string(),
  expiresAt: timestamp,
});
export type AdminPasswordResetLink = z.infer<typeof adminPasswordResetLink>;
