import { z } from 'zod';
import { timestamp } from './common';

/**
 * A code from the authenticator app (6 digits) or a recovery code ("abcde-fghij"), as typed:
 * spaces are dropped and letters lowered, so "123 456" and "ABCDE-FGHIJ" both work.
 */
export const secondFactorCode = z
  .string({ error: 'Enter a code.' })
  .max(32, 'That is not a code.')
  .transform((code) => code.replace(/\s+/g, '').toLowerCase())
  .pipe(
    z
      .string()
      .min(1, 'Enter a code.')
      .regex(
        /^(\d{6}|[a-z0-9]{5}-?[a-z0-9]{5})$/,
        'A code is 6 digits, or a recovery code like abcde-fghij.',
      ),
  );

/** Only a code from the app (turning two-factor on proves the app has the secret). */
export const totpCode = z
  .string({ error: 'Enter the 6-digit code.' })
  .max(32, 'That is not a code.')
  .transform((code) => code.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'));

export const twoFactorStatus = z.object({
  enabled: z.boolean(),
  /** Recovery codes not yet used (0 while two-factor is off). */
  recoveryCodesLeft: z.number().int(),
});
export type TwoFactorStatus = z.infer<typeof twoFactorStatus>;

/** The secret being enrolled: shown once, as a QR code of the URI and as text to type in. */
export const twoFactorEnrolment = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
});
export type TwoFactorEnrolment = z.infer<typeof twoFactorEnrolment>;

export const confirmTwoFactorInput = z.object({ code: totpCode });

/** Shown once, when two-factor is turned on; each works for one login. */
export const recoveryCodesOutput = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodesOutput = z.infer<typeof recoveryCodesOutput>;

export const disableTwoFactorInput = z.object({ code: secondFactorCode });

/** The token `auth.login` hands out when a password was right but the account needs a code too. */
export const secondFactorChallenge = z.object({ challenge: z.string(), expiresAt: timestamp });
export type SecondFactorChallenge = z.infer<typeof secondFactorChallenge>;

/** The second step of a login: the challenge from `auth.login` and a code. */
export const loginSecondFactorInput = z.object({
  challenge: z.string({ error: 'Log in again.' }).min(1, 'Log in again.').max(128, 'Log in again.'),
  code: secondFactorCode,
  cookie: z.boolean().default(false),
});
export type LoginSecondFactorInput = z.input<typeof loginSecondFactorInput>;
